/*
 * runtime.c: the library functions gcc may emit calls to in freestanding code
 * (memcpy, memset, memmove, memcmp) plus strlen. Integer only; strict alignment is
 * respected (word accesses only when both pointers are word aligned), since an
 * unaligned access raises an alignment interrupt on Nux.
 *
 * Compiled with -fno-tree-loop-distribute-patterns (see bss_host.ppu_toolchain), so gcc
 * does not turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, void const *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, void const *src, size_t n);
int memcmp(void const *a, void const *b, size_t n);
size_t strlen(char const *s);

static int both_word_aligned(void const *a, void const *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & 3u) == 0;
}

void *memcpy(void *restrict dst, void const *restrict src, size_t n)
{
    uint8_t *d = dst;
    uint8_t const *s = src;
    if (both_word_aligned(d, s)) {
        for (; n >= 4; n -= 4, d += 4, s += 4) {
            *(uint32_t *)d = *(uint32_t const *)s;
        }
    }
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint8_t const byte = (uint8_t)c;
    while (n > 0 && ((uintptr_t)d & 3u) != 0) {
        *d++ = byte;
        n--;
    }
    uint32_t const word = byte * 0x01010101u;
    for (; n >= 4; n -= 4, d += 4) {
        *(uint32_t *)d = word;
    }
    while (n--) {
        *d++ = byte;
    }
    return dst;
}

void *memmove(void *dst, void const *src, size_t n)
{
    uint8_t *d = dst;
    uint8_t const *s = src;
    if (d == s || n == 0) {
        return dst;
    }
    if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
        /* No overlap that a forward copy could clobber. */
        while (n--) {
            *d++ = *s++;
        }
    } else {
        d += n;
        s += n;
        while (n--) {
            *--d = *--s;
        }
    }
    return dst;
}

int memcmp(void const *a, void const *b, size_t n)
{
    uint8_t const *x = a;
    uint8_t const *y = b;
    for (; n > 0; n--, x++, y++) {
        if (*x != *y) {
            return (int)*x - (int)*y;
        }
    }
    return 0;
}

size_t strlen(char const *s)
{
    char const *p = s;
    while (*p != '\0') {
        p++;
    }
    return (size_t)(p - s);
}

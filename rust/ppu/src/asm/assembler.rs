//! The two passes: pass 1 defines labels and sizes, then sections are laid out, then
//! pass 2 evaluates every expression with final addresses and emits bytes.

use std::collections::HashMap;

use super::error::{AsmError, AsmErrorKind, AsmErrors, Res};
use super::expr::{self, local_label_name, Expr, LocalLabels, Resolve, Value};
use super::layout::*;
use super::lexer::{self, Body, Loc, Piece, RawStmt};
use super::{mnemonics, Object, Section, SectionFlags, Symbol, SymbolKind};

#[derive(Debug, Clone)]
pub(crate) enum SymDef {
    Label { sec: usize, off: u32 },
    Value(Value),
    Deferred(Expr),
}

#[derive(Debug, Clone)]
pub(crate) struct Sym {
    pub def: Option<SymDef>,
    pub global: bool,
    pub kind: SymbolKind,
    pub size: u32,
    pub line: u32,
    /// A default (`mailbox_base`, ...) that the program may redefine.
    pub predefined: bool,
    /// Defined by `.set`/`=`: may be redefined.
    pub settable: bool,
}

impl Sym {
    fn new() -> Self {
        Self {
            def: None,
            global: false,
            kind: SymbolKind::NoType,
            size: 0,
            line: 0,
            predefined: false,
            settable: false,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Sec {
    pub name: String,
    pub flags: SectionFlags,
    pub nobits: bool,
    pub align: u32,
    /// Current offset during a pass; after pass 1, the size.
    pub off: u32,
    pub size: u32,
    pub data: Vec<u8>,
    pub addr: u32,
    /// Order of first use (a label or bytes) in pass 1; layout follows it.
    pub first_use: Option<usize>,
}

pub(crate) struct Asm {
    pub secs: Vec<Sec>,
    pub cur: usize,
    pub prev: usize,
    pub stack: Vec<(usize, usize)>,
    pub syms: HashMap<String, Sym>,
    local_counts: HashMap<u64, u32>,
    pub pass: u8,
    /// Sizes of `.align/.org/.fill/.space` decided in pass 1, by statement index.
    pub sizes: HashMap<usize, u32>,
    errors: Vec<AsmError>,
    fixed_base: Option<u32>,
    use_seq: usize,
}

/// An error with its location, inside the assembler.
pub(crate) struct Located(pub AsmErrorKind, pub Loc);

pub(crate) type LRes<T> = Result<T, Located>;

pub(crate) trait At<T> {
    fn at(self, loc: &Loc) -> LRes<T>;
}

impl<T> At<T> for Res<T> {
    fn at(self, loc: &Loc) -> LRes<T> {
        self.map_err(|k| Located(k, loc.clone()))
    }
}

pub(crate) fn run(source: &str, file: &str, fixed_base: Option<u32>) -> Result<Object, AsmErrors> {
    let stmts = lexer::split(source, file);
    let mut a = Asm {
        secs: Vec::new(),
        cur: 0,
        prev: 0,
        stack: Vec::new(),
        syms: HashMap::new(),
        local_counts: HashMap::new(),
        pass: 1,
        sizes: HashMap::new(),
        errors: Vec::new(),
        fixed_base,
        use_seq: 0,
    };
    if fixed_base.is_none() {
        for (name, v) in [
            ("mailbox_base", MAILBOX_BASE),
            ("mailbox_end", MAILBOX_END),
            ("stack_ptr_init", STACK_PTR_INIT),
            ("__crash_srr0", CRASH_SRR0),
            ("__return_code", RETURN_CODE),
        ] {
            a.predefine(name, v);
        }
    }
    a.pass(&stmts);
    a.layout();
    a.pass = 2;
    a.pass(&stmts);
    a.finish()
}

impl Asm {
    /// A default symbol (as a linker script provides it) unless the program defines the
    /// name itself; the program may still `.set` it.
    fn predefine(&mut self, name: &str, value: u32) {
        if self.syms.get(name).is_some_and(|s| s.def.is_some()) {
            return;
        }
        let mut s = Sym::new();
        s.def = Some(SymDef::Value(Value::abs(value.into())));
        s.global = true;
        s.predefined = true;
        s.settable = true;
        self.syms.insert(name.to_string(), s);
    }

    pub fn error(&mut self, e: Located) {
        let err = AsmError {
            file: e.1.file.to_string(),
            line: e.1.line,
            column: e.1.col,
            kind: e.0,
        };
        if !self.errors.contains(&err) {
            self.errors.push(err);
        }
    }

    fn reset_for_pass(&mut self) {
        self.cur = 0;
        self.prev = 0;
        self.stack.clear();
        self.local_counts.clear();
        for s in &mut self.secs {
            s.off = 0;
            s.data.clear();
        }
        self.select_section(".text", None, None);
    }

    fn pass(&mut self, stmts: &[RawStmt]) {
        self.reset_for_pass();
        for (idx, st) in stmts.iter().enumerate() {
            for label in &st.labels {
                if let Err(e) = self.define_label(label) {
                    self.error(e);
                }
            }
            let r = match &st.body {
                Body::Empty => Ok(()),
                Body::Assign { name, value } => self.assign(name, value, &st.loc, false),
                Body::Op { name, operands } if name.text.starts_with('.') => {
                    self.directive(idx, name, operands)
                }
                Body::Op { name, operands } => self.instruction(name, operands),
            };
            if let Err(e) = r {
                self.error(e);
            }
        }
        if self.pass == 1 {
            for s in &mut self.secs {
                s.size = s.off;
            }
        }
    }

    pub fn mark_used(&mut self) {
        if self.secs[self.cur].first_use.is_none() {
            self.secs[self.cur].first_use = Some(self.use_seq);
            self.use_seq += 1;
        }
    }

    fn define_label(&mut self, label: &Piece) -> LRes<()> {
        self.mark_used();
        let name = if label.text.chars().all(|c| c.is_ascii_digit()) {
            let n: u64 = label.text.parse().map_err(|_| {
                Located(
                    AsmErrorKind::Syntax(format!("bad local label `{}`", label.text)),
                    label.loc.clone(),
                )
            })?;
            let c = self.local_counts.entry(n).or_insert(0);
            *c += 1;
            local_label_name(n, *c - 1)
        } else {
            label.text.clone()
        };
        let def = SymDef::Label {
            sec: self.cur,
            off: self.secs[self.cur].off,
        };
        self.set_symbol(&name, def, &label.loc, false)
    }

    /// Defines a symbol; `settable`: by `.set`/`=` (may redefine such symbols).
    pub fn set_symbol(&mut self, name: &str, def: SymDef, loc: &Loc, settable: bool) -> LRes<()> {
        let pass = self.pass;
        let s = self.syms.entry(name.to_string()).or_insert_with(Sym::new);
        if pass == 1 {
            if s.def.is_some() && !s.predefined && !(settable && s.settable) {
                return Err(Located(
                    AsmErrorKind::Redefined {
                        name: name.to_string(),
                        line: s.line,
                    },
                    loc.clone(),
                ));
            }
            s.predefined = false;
            s.settable = settable;
            s.line = loc.line;
            s.def = Some(def);
        } else if settable {
            s.def = Some(def);
        }
        Ok(())
    }

    /// `name = expr` / `.set name, expr`: evaluated now if possible, else later.
    pub fn assign(&mut self, name: &str, value: &Piece, loc: &Loc, equiv: bool) -> LRes<()> {
        if equiv
            && self.pass == 1
            && self
                .syms
                .get(name)
                .is_some_and(|s| s.def.is_some() && !s.predefined)
        {
            return Err(Located(
                AsmErrorKind::Redefined {
                    name: name.to_string(),
                    line: self.syms[name].line,
                },
                loc.clone(),
            ));
        }
        let e = expr::parse(&value.text, self).at(&value.loc)?;
        let def = match expr::eval(&e, self, 0) {
            Ok(v) => SymDef::Value(self.finalize(v)),
            Err(err) if self.pass == 2 => return Err(Located(err, value.loc.clone())),
            Err(_) => SymDef::Deferred(e),
        };
        self.set_symbol(name, def, loc, !equiv)
    }

    /// In pass 2, turns a section-relative value into an absolute one.
    pub fn finalize(&self, v: Value) -> Value {
        match (self.pass, v.sec) {
            (2, Some(s)) => Value::abs(i64::from(self.secs[s].addr) + v.off),
            _ => v,
        }
    }

    /// Evaluates an operand's expression text.
    pub fn eval_piece(&self, p: &Piece) -> LRes<Value> {
        let e = expr::parse(&p.text, self).at(&p.loc)?;
        expr::eval(&e, self, 0).at(&p.loc)
    }

    /// An absolute value (pass 1: must not depend on later definitions).
    pub fn eval_abs(&self, p: &Piece) -> LRes<i64> {
        let v = self.eval_piece(p)?;
        match v.sec {
            None => Ok(v.off),
            Some(_) => Err(Located(AsmErrorKind::NotAbsolute, p.loc.clone())),
        }
    }

    pub fn select_section(
        &mut self,
        name: &str,
        flags: Option<SectionFlags>,
        nobits: Option<bool>,
    ) -> usize {
        let idx = match self.secs.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                let default_nobits =
                    name == ".bss" || name.starts_with(".bss.") || name.contains("bss");
                let exec = name.contains("text") || name == ".init" || name == ".fini";
                self.secs.push(Sec {
                    name: name.to_string(),
                    flags: SectionFlags {
                        alloc: true,
                        write: !exec && !name.contains("rodata"),
                        exec,
                    },
                    nobits: default_nobits,
                    align: if exec { 4 } else { 1 },
                    off: 0,
                    size: 0,
                    data: Vec::new(),
                    addr: 0,
                    first_use: None,
                });
                self.secs.len() - 1
            }
        };
        if self.pass == 1 {
            if let Some(f) = flags {
                self.secs[idx].flags = f;
            }
            if let Some(n) = nobits {
                self.secs[idx].nobits = n;
            }
        }
        if idx != self.cur {
            self.prev = self.cur;
        }
        self.cur = idx;
        idx
    }

    /// Appends bytes to the current section (pass 2) or just counts them (pass 1).
    pub fn emit(&mut self, bytes: &[u8], loc: &Loc) -> LRes<()> {
        if !bytes.is_empty() {
            self.mark_used();
        }
        let pass = self.pass;
        let s = &mut self.secs[self.cur];
        s.off = s.off.saturating_add(bytes.len() as u32);
        if pass == 2 {
            if s.nobits {
                if bytes.iter().any(|&b| b != 0) {
                    return Err(Located(
                        AsmErrorKind::DataInNobits {
                            section: s.name.clone(),
                        },
                        loc.clone(),
                    ));
                }
            } else {
                s.data.extend_from_slice(bytes);
            }
        }
        Ok(())
    }

    /// Current absolute address (pass 2) of the location counter.
    pub fn address(&self) -> u32 {
        let s = &self.secs[self.cur];
        s.addr.wrapping_add(s.off)
    }

    fn instruction(&mut self, name: &Piece, operands: &[Piece]) -> LRes<()> {
        let off = self.secs[self.cur].off;
        if off % 4 != 0 {
            self.secs[self.cur].off += 4;
            return Err(Located(
                AsmErrorKind::MisalignedInstruction {
                    section: self.secs[self.cur].name.clone(),
                    offset: off,
                },
                name.loc.clone(),
            ));
        }
        let mut sec_align = self.secs[self.cur].align;
        sec_align = sec_align.max(4);
        self.secs[self.cur].align = sec_align;
        if self.pass == 1 {
            return self.emit(&[0; 4], &name.loc);
        }
        let addr = self.address();
        let word = mnemonics::assemble(self, name, operands, addr);
        let bytes = word.as_ref().map(|w| w.to_be_bytes()).unwrap_or([0; 4]);
        self.emit(&bytes, &name.loc)?;
        word.map(|_| ())
    }

    /// Places sections (ppu.md §3): internal code, then data, then bss from 0; extmem
    /// code at 0x8000_0000 and its data after it in the 0x4000_0000 window; likewise
    /// DRAM at 0x9000_0000 / 0x5000_0000.
    fn layout(&mut self) {
        fn align_up(v: u64, a: u32) -> u64 {
            let a = u64::from(a.max(1));
            v.div_ceil(a) * a
        }
        if let Some(base) = self.fixed_base {
            let mut cursor = u64::from(base);
            for s in &mut self.secs {
                s.addr = cursor as u32;
                cursor = align_up(cursor + u64::from(s.size), 4);
            }
            return;
        }
        let place = |pick: &dyn Fn(&Sec) -> bool, start: u64, secs: &mut [Sec]| -> u64 {
            let mut cursor = start;
            let mut order: Vec<usize> = (0..secs.len()).collect();
            order.sort_by_key(|&i| secs[i].first_use.unwrap_or(usize::MAX));
            for i in order {
                let s = &mut secs[i];
                if !(s.flags.alloc && pick(s)) {
                    continue;
                }
                cursor = align_up(cursor, s.align);
                s.addr = cursor as u32;
                cursor += u64::from(s.size);
            }
            cursor
        };
        let region = |s: &Sec| region_by_name(&s.name).unwrap_or(Region::Internal);
        let mut secs = std::mem::take(&mut self.secs);
        let mut cur = place(
            &|s| region(s) == Region::Internal && s.flags.exec,
            0,
            &mut secs,
        );
        cur = place(
            &|s| region(s) == Region::Internal && !s.flags.exec && !s.nobits,
            cur,
            &mut secs,
        );
        let bss_end = place(
            &|s| region(s) == Region::Internal && !s.flags.exec && s.nobits,
            cur,
            &mut secs,
        );
        // The bounds start code clears, word-aligned (the SDK's crt0 and link.ld).
        self.predefine("__bss_start", align_up(cur, 4) as u32);
        self.predefine("__bss_end", align_up(bss_end, 4) as u32);
        for (r, text, data) in [
            (Region::Extmem, EXT_TEXT_BASE, EXT_DATA_BASE),
            (Region::Dram, DRAM_TEXT_BASE, DRAM_DATA_BASE),
        ] {
            let end = place(&|s| region(s) == r && s.flags.exec, text.into(), &mut secs);
            let start = u64::from(data) + (end - u64::from(text));
            let end = place(
                &|s| region(s) == r && !s.flags.exec && !s.nobits,
                start,
                &mut secs,
            );
            place(
                &|s| region(s) == r && !s.flags.exec && s.nobits,
                end,
                &mut secs,
            );
        }
        self.secs = secs;
    }

    fn finish(self) -> Result<Object, AsmErrors> {
        if !self.errors.is_empty() {
            return Err(AsmErrors(self.errors));
        }
        let used: Vec<usize> = (0..self.secs.len())
            .filter(|&i| {
                i == 0
                    || self.secs[i].size > 0
                    || self
                        .syms
                        .values()
                        .any(|s| matches!(s.def, Some(SymDef::Label { sec, .. }) if sec == i))
            })
            .collect();
        let sections: Vec<Section> = used
            .iter()
            .map(|&i| {
                let s = &self.secs[i];
                Section {
                    name: s.name.clone(),
                    addr: s.addr,
                    size: s.size,
                    data: s.data.clone(),
                    align: s.align.max(1),
                    flags: s.flags,
                    nobits: s.nobits,
                }
            })
            .collect();
        let mut symbols = std::collections::BTreeMap::new();
        let mut errors = Vec::new();
        for (name, s) in &self.syms {
            if name.starts_with('\u{2}') || name.starts_with(".L") {
                continue;
            }
            let (value, section) = match &s.def {
                None => continue,
                Some(SymDef::Label { sec, off }) => (
                    i64::from(self.secs[*sec].addr) + i64::from(*off),
                    used.iter().position(|u| u == sec),
                ),
                Some(SymDef::Value(v)) => (self.finalize_final(*v), None),
                Some(SymDef::Deferred(e)) => match expr::eval(e, &self, 0) {
                    Ok(v) => (self.finalize_final(v), None),
                    Err(k) => {
                        errors.push(AsmError {
                            file: String::new(),
                            line: s.line,
                            column: 0,
                            kind: k,
                        });
                        continue;
                    }
                },
            };
            symbols.insert(
                name.clone(),
                Symbol {
                    value: value as u32,
                    size: s.size,
                    kind: s.kind,
                    global: s.global,
                    section,
                },
            );
        }
        if !errors.is_empty() {
            return Err(AsmErrors(errors));
        }
        Ok(Object { sections, symbols })
    }

    fn finalize_final(&self, v: Value) -> i64 {
        match v.sec {
            Some(s) => i64::from(self.secs[s].addr) + v.off,
            None => v.off,
        }
    }
}

impl Resolve for Asm {
    fn symbol(&self, name: &str, depth: u32) -> Res<Value> {
        let undefined = || AsmErrorKind::UndefinedSymbol {
            name: display_name(name),
        };
        let s = self.syms.get(name).ok_or_else(undefined)?;
        match &s.def {
            None => Err(undefined()),
            Some(SymDef::Label { sec, off }) => Ok(self.finalize(Value {
                sec: Some(*sec),
                off: (*off).into(),
            })),
            Some(SymDef::Value(v)) => Ok(self.finalize(*v)),
            Some(SymDef::Deferred(e)) => {
                if depth > 64 {
                    return Err(AsmErrorKind::Circular {
                        name: display_name(name),
                    });
                }
                expr::eval(e, self, depth + 1)
            }
        }
    }

    fn dot(&self) -> Value {
        self.finalize(Value {
            sec: Some(self.cur),
            off: self.secs[self.cur].off.into(),
        })
    }
}

/// Numeric local labels are stored under internal names; show them as written.
pub(crate) fn display_name(name: &str) -> String {
    match name.strip_prefix("\u{2}L") {
        Some(rest) => rest.split('\u{2}').next().unwrap_or(rest).to_string(),
        None => name.to_string(),
    }
}

impl LocalLabels for Asm {
    fn local(&self, n: u64, forward: bool) -> Res<String> {
        let c = self.local_counts.get(&n).copied().unwrap_or(0);
        if forward {
            Ok(local_label_name(n, c))
        } else if c == 0 {
            Err(AsmErrorKind::UndefinedSymbol {
                name: format!("{n}b (no earlier local label `{n}:`)"),
            })
        } else {
            Ok(local_label_name(n, c - 1))
        }
    }
}

//! Small YAML inputs where libyaml and the YAML 1.2 spec part ways, and mutations of them: the
//! generated half of the differential test (tests/yaml_differential.rs).
//!
//! The cases are the shapes of issue 22: real files that kubectl applies and a YAML 1.2 parser
//! rejects. Each mutation moves one line (a closing bracket, a continuation) to another
//! indentation, or puts a tab before or after it, so the test also covers the near misses on
//! both sides of each leniency, where the error line matters.

/// The cases: (name, text).
pub const CASES: &[(&str, &str)] = &[
    (
        // istio samples/security/spire/spire-quickstart.yaml
        "flow-sequence-closed-at-the-key-column",
        "spec:\n  containers:\n    - name: spire-server\n      args: [\n        \"-config\",\n        \"/run/spire/config/server.conf\"\n      ]\n      image: spire\n",
    ),
    (
        // sock-shop 23-grafana-import-dash-batch.yaml, a kubernetes/dashboard test Pod
        "single-quoted-closed-at-the-key-indentation",
        "metadata:\n  annotations:\n    dashboards: '[\n      {\"name\": \"a\"}\n    ]'\n  name: web\n",
    ),
    (
        "double-quoted-continued-at-column-1",
        "data:\n  message: \"one\n two\"\n  other: x\n",
    ),
    (
        "flow-sequence-closed-at-the-dash",
        "items:\n  - [a,\n     b\n  ]\n  - c\n",
    ),
    (
        "flow-items-continued-at-column-0",
        "spec:\n  command: [sh, -c,\necho hi]\n  name: x\n",
    ),
    (
        "single-quoted-continued-at-column-1",
        "data:\n  message: 'one\n two'\n  other: x\n",
    ),
    (
        "flow-mapping-closed-at-column-0",
        "spec:\n  selector: {app: web,\n    tier: front\n}\nkind: Service\n",
    ),
    (
        "plain-continued-less-indented",
        "spec:\n  containers:\n  - name: a\n    args:\n    - one\n      two\n",
    ),
    (
        "block-in-flow-sequence",
        "a: [\n  b,\n  c\n  ]\nd: e\n",
    ),
    (
        "tab-after-a-value",
        "spec:\n  name: web\t\n  image: nginx\t# comment\n",
    ),
    (
        // The reader's slow path (characters past ASCII) between runs of ASCII.
        "non-ascii-text",
        "metadata:\n  name: caf\u{e9}\n  annotations:\n    a: '\u{65e5}\u{672c}'\n    b: \"x\u{85}y\"\n",
    ),
    // Inputs both parsers reject, for the error line.
    ("control-character", "a: b\n  c: d\u{7f}\n"),
    ("tab-indentation", "a:\n\tb: c\n"),
    ("unclosed-double-quote", "a: \"one\nb: two\n"),
    ("unclosed-flow-sequence", "a: [1, 2\nb: c\n"),
    ("bad-dedent", "a:\n    b: 1\n  c: 2\n"),
    ("colon-in-plain-key", "a: b: c\n"),
    ("second-document-broken", "a: 1\n---\nb: [\n"),
    ("unknown-escape", "a: \"\\q\"\n"),
    ("stray-flow-end", "a: 1\n]\n"),
    ("key-without-value-indent", "a:\n  - b\n  c: d\n"),
];

/// The indentations a mutated line is moved to.
const INDENTS: &[usize] = &[0, 1, 2, 3, 4, 6, 8];

/// Every mutation of `text`: for each line but the first, that line re-indented to each of
/// [`INDENTS`], with a tab in front of it, and with a tab before its line break. Variants equal
/// to the input or to each other are dropped.
pub fn mutations(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let body = line.trim_start_matches(' ');
        let (content, newline) = match body.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (body, ""),
        };
        let mut moved: Vec<String> = INDENTS
            .iter()
            .map(|&n| format!("{}{body}", " ".repeat(n)))
            .collect();
        moved.push(format!("\t{line}"));
        moved.push(format!("{}\t{newline}", line.trim_end_matches('\n')));
        let indent = line.len() - body.len();
        moved.push(format!("{}\t{content}{newline}", " ".repeat(indent)));
        for m in moved {
            let mut variant: Vec<&str> = lines.clone();
            variant[i] = &m;
            let variant = variant.concat();
            if variant != text && !out.contains(&variant) {
                out.push(variant);
            }
        }
    }
    out
}

/// Pieces of YAML and of text the reader decodes one way or another (ASCII, characters past
/// ASCII, a control character, a byte order mark), which [`random_inputs`] strings together.
const PIECES: &[&str] = &[
    "a: b\n",
    "- x\n",
    "  ",
    "\t",
    "\n",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "'q'",
    "\"d\\n\"",
    "&a ",
    "*a",
    "!!str ",
    "# c\n",
    "---\n",
    "|\n  l\n",
    ">-\n  f\n",
    "caf\u{e9}",
    "\u{65e5}",
    "\u{1F600}",
    "\u{85}",
    "\u{1}",
    "\u{feff}",
    "\r\n",
    "key",
    "0x1F",
    "? k\n",
];

/// A fixed xorshift generator: the same inputs on every run.
fn generator(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// `count` copies of `text`, each with one to four edits at random places: a piece of
/// [`PIECES`] inserted or written over the text, or a few bytes deleted. Edits keep the text
/// UTF-8 (they cut at character boundaries), so kplint's loader would hand it to the parser.
pub fn byte_mutations(text: &str, count: usize, seed: u64) -> Vec<String> {
    let mut next = generator(seed);
    let mut pick = move |n: usize| (next() % n.max(1) as u64) as usize;
    (0..count)
        .map(|_| {
            let mut t = text.to_string();
            for _ in 0..=pick(4) {
                let mut at = pick(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let piece = PIECES[pick(PIECES.len())];
                match pick(3) {
                    0 => t.insert_str(at, piece),
                    1 => {
                        let mut end = (at + 1 + pick(8)).min(t.len());
                        while !t.is_char_boundary(end) {
                            end += 1;
                        }
                        t.replace_range(at..end, "");
                    }
                    _ => {
                        let mut end = (at + piece.len()).min(t.len());
                        while !t.is_char_boundary(end) {
                            end += 1;
                        }
                        t.replace_range(at..end, piece);
                    }
                }
            }
            t
        })
        .collect()
}

/// `count` inputs strung from [`PIECES`] by a fixed generator, some longer than libyaml's 16 KiB
/// input buffer so that characters of every width straddle its refills.
pub fn random_inputs(count: usize) -> Vec<String> {
    let mut next = generator(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|i| {
            let len = if i % 10 == 0 { 20_000 } else { 200 };
            let mut text = String::new();
            while text.len() < len {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            text
        })
        .collect()
}

//! `decode_input` is what the benchmark times a run's per-file work by: it must read the same
//! objects a run holds, their retained fields pointing where the text is.

use std::path::PathBuf;

use kplint::source::discover::discover;
use kplint::{check, decode_input, Options};

#[test]
fn decode_input_reads_the_objects_a_run_holds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let dir = dir.to_string_lossy().into_owned();
    let inputs = discover(std::slice::from_ref(&dir), &globset::GlobSet::empty(), None)
        .expect("discover")
        .inputs;
    let run = check(
        &[dir],
        &globset::GlobSet::empty(),
        None,
        &Options::default(),
    )
    .expect("run");
    let mut decoded = 0;
    for (id, input) in inputs.iter().enumerate() {
        let objects = decode_input(id as u32, input, &Options::default());
        let text = std::fs::read_to_string(input.display()).expect("readable");
        for obj in &objects {
            // The retained copy was made: the name is found where the file writes it.
            let at = obj.locate("metadata.name").span;
            let written = text.get(at.start as usize..at.end as usize);
            assert_eq!(
                written,
                obj.name.as_deref(),
                "{} in {}",
                obj.display(),
                input.display()
            );
        }
        decoded += objects.len();
    }
    assert!(decoded > 0);
    assert_eq!(decoded, run.objects.len());
    assert_eq!(decoded, run.report.summary.objects);
}

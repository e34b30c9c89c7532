//! Writes the seeds built from `tests/fixtures/` into `DIR/<target>/<name>` (run by
//! `scripts/fuzz` before each fuzzing run; the folder is not committed).

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: seeds DIR");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(&dir);
    let seeds = cinetpay_fuzz_checks::seeds::all();
    for (target, name, data) in &seeds {
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder).expect("create the seed folder");
        std::fs::write(folder.join(name), data).expect("write a seed");
    }
    println!("{} seeds in {}", seeds.len(), dir.display());
}

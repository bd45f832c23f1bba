//! The real peers written in Python (`scripts/`): started with the venv's
//! Python on a free loopback port, which each prints first.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The Python with the test tools: `PRATICHE_TEST_PYTHON`, else the venv
/// `scripts/setup.sh` makes.
pub fn test_python() -> String {
    std::env::var("PRATICHE_TEST_PYTHON").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/pratiche/tools/venv/bin/python")
    })
}

/// Starts `scripts/{script}` with `args`; the process and the port it
/// printed. `what` names it in the failure message.
pub fn start(script: &str, args: &[&str], what: &str) -> (Child, u16) {
    let path = format!("{}/../scripts/{script}", env!("CARGO_MANIFEST_DIR"));
    let python = test_python();
    let mut process = Command::new(&python)
        .arg(&path)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "{python} starts {what} ({error}): run scripts/test.sh, which installs its packages"
            )
        });
    let mut first = String::new();
    BufReader::new(process.stdout.take().expect("piped stdout"))
        .read_line(&mut first)
        .expect("it prints its port");
    let Ok(port) = first.trim().parse() else {
        let _ = process.kill();
        panic!("{what} did not start (are scripts/setup.sh's packages installed for {python}?)")
    };
    (process, port)
}

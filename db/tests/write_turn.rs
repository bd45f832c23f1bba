//! SQLite's write turn: writers of one file take it one at a time; writers
//! of another file, in the same process, do not wait for them. (SQLite
//! only: PostgreSQL takes concurrent writers without a turn.)

use std::time::Duration;

use pratiche_db::{begin_write, connect};

/// Well under the turn's own 5 s timeout: a writer that waits this long
/// waits for something it should not.
const PROMPTLY: Duration = Duration::from_secs(1);

#[tokio::test]
async fn writers_wait_for_their_own_files_turn_only() {
    let folder = tempfile::tempdir().unwrap();
    let url = |file: &str| format!("sqlite://{}/{file}?mode=rwc", folder.path().display());
    let first_db = connect(&url("first.db")).await.unwrap();
    let first_again = connect(&url("first.db")).await.unwrap();
    let second_db = connect(&url("second.db")).await.unwrap();

    let holding = begin_write(&first_db).await.unwrap();
    let other_file = tokio::time::timeout(PROMPTLY, begin_write(&second_db))
        .await
        .expect("a writer of another file waited for this one's turn")
        .unwrap();
    other_file.commit().await.unwrap();

    let same_file = tokio::spawn(async move { begin_write(&first_again).await.map(|_| ()) });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !same_file.is_finished(),
        "a second writer of the same file did not wait for the turn"
    );
    holding.commit().await.unwrap();
    tokio::time::timeout(PROMPTLY, same_file)
        .await
        .expect("the turn was not handed on at commit")
        .unwrap()
        .unwrap();
}

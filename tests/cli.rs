//! The `article-qa` command line as a user runs it: `ask` in its three forms and its errors,
//! and the list of environment variables, which `--help`, the README and `.env.example` share.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use article_qa::app::config::VARIABLES;

use crate::common::{article_qa_command, ask_json_lines, repo};

fn article_qa(args: &[&str], stdin: &str) -> Output {
    let mut child = article_qa_command()
        .args(args)
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn ask_prints_the_sentence_with_its_paragraph() {
    let out = article_qa(&["ask", "Who led the Russian delegation?"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("¶4  Led by Deputy Foreign Minister Mikhail Bogdanov"),
        "{text}"
    );
    assert!(
        text.contains("— from “Putin holds first phone call"),
        "{text}"
    );
}

#[test]
fn ask_says_plainly_when_the_article_does_not_say() {
    let out = article_qa(&["ask", "What is the capital of France?"], "");
    assert!(out.status.success());
    assert!(stdout(&out).contains("The article does not say."));
}

// `ask ""` answered "The article does not say." as if a question had been asked.
#[test]
fn an_empty_question_is_an_error_saying_so() {
    for blank in ["", "   "] {
        let out = article_qa(&["ask", blank], "");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("the question is empty") && err.lines().count() == 1,
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn ask_json_has_the_shape_external_evaluation_relies_on() {
    let out = article_qa(
        &[
            "ask",
            "--json",
            "--no-faq",
            "where are the russian navel bases",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["question"], "where are the russian navel bases");
    assert_eq!(json["source"], "article");
    let first = &json["sentences"][0];
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .contains("Tartus and Hmeimim")
    );
    assert_eq!(first["paragraph"], 8);
    assert_eq!(first["sentence"], 2);
    assert_eq!(first["article"], "putin-al-sharaa-phone-call");
    assert!(first["score"].as_f64().unwrap() > 0.0);
}

#[test]
fn ask_json_stdin_answers_each_line_in_order() {
    let input = "Who led the Russian delegation?\n\nWhat is the capital of France?\nwhat did bogdanof say\n{\"turns\": [\"Where are the bases?\", 5]}\n";
    let lines = ask_json_lines(&["--no-faq"], input);
    // Every line gets its object, blank ones too, so output line n answers input line n.
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["source"], "article");
    assert_eq!(lines[1]["question"], "");
    assert_eq!(lines[1]["source"], "none");
    assert_eq!(lines[2]["source"], "none");
    assert_eq!(lines[2]["sentences"], serde_json::json!([]));
    assert_eq!(lines[3]["question"], "what did bogdanof say");
    assert_eq!(lines[3]["source"], "article");
    // A JSON line of the wrong shape is not answered as if it were a question.
    assert_eq!(lines[4]["source"], "none");
    assert!(lines[4]["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[test]
fn ask_json_stdin_gives_json_that_is_not_an_object_the_error_object() {
    // `[1,2]` was answered with ¶1.2 and `"just a string"` with ¶3.1, as if they were text.
    let input = "[1,2]\n\"just a string\"\n42\nWho led the Russian delegation?\n";
    let lines = ask_json_lines(&["--no-faq"], input);
    assert_eq!(lines.len(), 4);
    for (line, question) in lines.iter().zip(["[1,2]", "\"just a string\"", "42"]) {
        assert_eq!(line["question"], question);
        assert_eq!(line["source"], "none");
        assert_eq!(line["sentences"], serde_json::json!([]));
        assert!(line["error"].as_str().is_some_and(|e| e.contains("object")));
    }
    assert_eq!(lines[3]["source"], "article");
}

#[test]
fn explain_says_why_an_answer_below_the_threshold_was_given() {
    // It said "below it the engine abstains" and then "answer: the article", with no why.
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Iran has been notably silent on the transition.\n\
         Israel faces new security challenges on its border.\n",
    )
    .unwrap();
    let question = "What country worried about its borders is discussed?";
    let path = article.to_str().unwrap();
    let out = article_qa(
        &["--lexical", "--article", path, "ask", "--explain", question],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "answer: the article, 1 sentence(s), below the threshold: it points at the text itself"
        ),
        "{text}"
    );
}

#[test]
fn missing_or_empty_corpus_exits_2_with_one_line_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n\nLeave a Reply\n").unwrap();
    let no_articles = dir.path().join("no-articles");
    std::fs::create_dir(&no_articles).unwrap();
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let cases = [
        (
            vec!["ask", "--seeds", "/no/such/folder", "hi"],
            "/no/such/folder",
        ),
        (
            vec!["ask", "--article", "/no/such/file.txt", "hi"],
            "/no/such/file.txt",
        ),
        (
            vec!["ask", "--article", empty.to_str().unwrap(), "hi"],
            "empty.txt",
        ),
        (
            vec!["ask", "--article", binary.to_str().unwrap(), "hi"],
            "binary.txt",
        ),
        (
            vec!["ask", "--seeds", no_articles.to_str().unwrap(), "hi"],
            "no-articles",
        ),
    ];
    for (args, path) in cases {
        let out = article_qa(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(path), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["ask"],
        vec!["no-such-command"],
        vec!["ask", "--seeds"],
        vec!["eval"],
    ] {
        let out = article_qa(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn seeds_folder_with_several_articles_answers_from_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("seeds/putin-al-sharaa-phone-call.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "The city council approved a new bicycle lane on Main Street.\nConstruction starts in May.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.meta.toml"),
        "title = \"Bike lane approved\"\n",
    )
    .unwrap();
    let out = article_qa(
        &[
            "ask",
            "--json",
            "--lexical",
            "--seeds",
            dir.path().to_str().unwrap(),
            "When does the bicycle lane construction start?",
        ],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["sentences"][0]["article"], "b", "{json}");
    assert_eq!(json["sentences"][0]["title"], "Bike lane approved");
    assert_eq!(json["sentences"][0]["text"], "Construction starts in May.");
}

#[test]
fn eval_prints_the_four_figures() {
    let out = article_qa(&["eval", "--no-faq", "tests/data/article/dev.jsonl"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for label in ["top-1", "hit@3", "abstain", "overall"] {
        assert!(text.contains(label), "{text}");
    }
    assert!(text.trim_end().ends_with("failed"), "{text}");
}

#[test]
fn eval_refuses_a_question_set_in_the_other_format() {
    let squad = repo("tests/data/squad/questions.jsonl");
    let article = repo("tests/data/article/dev.jsonl");
    let articles = repo("tests/data/squad/articles");
    for (args, needle) in [
        (vec!["eval", squad.to_str().unwrap()], "--squad DIR"),
        (
            vec![
                "eval",
                "--squad",
                articles.to_str().unwrap(),
                article.to_str().unwrap(),
            ],
            "leave out --squad",
        ),
    ] {
        let out = article_qa(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

/// A full disk under the unanswered-question log is reported on standard error, once per
/// lost question, while the chat on standard output goes on.
#[cfg(target_os = "linux")]
#[test]
fn chat_warns_when_the_unanswered_log_cannot_be_written() {
    let out = Command::new(env!("CARGO_BIN_EXE_article-qa"))
        .arg("chat")
        .current_dir(repo(""))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("ARTICLE_QA_SEEDS")
        .env_remove("ARTICLE_QA_FAQ")
        .env("ARTICLE_QA_UNANSWERED_LOG", "/dev/full")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            let questions = "What is the capital of Peru?\nWho led the Russian delegation?\n";
            child
                .stdin
                .take()
                .unwrap()
                .write_all(questions.as_bytes())?;
            child.wait_with_output()
        })
        .expect("binary runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Mikhail Bogdanov"),
        "{}",
        stdout(&out)
    );
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("cannot write the unanswered-question log /dev/full"))
        .map(str::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&out));
}

/// The names in `config::VARIABLES`, sorted.
fn variable_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
    names.sort_unstable();
    names
}

#[test]
fn help_lists_every_environment_variable() {
    let out = article_qa(&["--help"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let help = stdout(&out);
    let section = help
        .split_once("Environment (or .env; flags win):")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no Environment section in --help:\n{help}"));
    let mut listed: Vec<&str> = section
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, variable_names());
}

#[test]
fn readme_configuration_table_names_exactly_the_variables() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let section = readme
        .split_once("## Configuration")
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or_default())
        .expect("README has a Configuration section");
    let mut named: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name))
        .collect();
    named.sort_unstable();
    assert_eq!(named, variable_names());
}

#[test]
fn env_example_names_exactly_the_variables() {
    let example = std::fs::read_to_string(repo(".env.example")).unwrap();
    let mut named: Vec<&str> = example
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    named.sort_unstable();
    assert_eq!(named, variable_names());
}

// dotenvy's error quotes the line it cannot parse, so a token with a stray space in `.env`
// was printed to the terminal. The error must name the file, line and variable, never the value.
#[test]
fn a_broken_env_file_is_reported_without_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "123456789:AAFakeTokenForTestsOnly_secret";
    for line in [
        format!("TELOXIDE_TOKEN={secret} extra"),
        format!("TELOXIDE_TOKEN=\"{secret}"),
    ] {
        let env = dir.path().join("bad.env");
        std::fs::write(&env, format!("# settings\nRUST_LOG=info\n{line}\n")).unwrap();
        let out = article_qa(
            &[
                "--env-file",
                env.to_str().unwrap(),
                "--lexical",
                "ask",
                "who led the delegation",
            ],
            "",
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(!err.contains("AAFake"), "the token leaked: {err}");
        assert!(err.contains("bad.env") && err.contains("line 3"), "{err}");
        assert!(err.contains("TELOXIDE_TOKEN"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

// A question in Hebrew (a script the sentence model cannot read) answered "The article does
// not say." in plain `ask`, though the bot tells a chat which languages it reads.
#[test]
fn ask_says_which_languages_it_reads_when_the_script_is_unreadable() {
    let out = article_qa(&["ask", "מי הוביל את המשלחת הרוסית?"], "");
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("English, Russian or Arabic"),
        "{}",
        stdout(&out)
    );
}

// A question in Russian shares no keyword with the English article and was always refused;
// the semantic stage answers it with the article's own English sentence, and still refuses a
// Russian question the article does not answer.
#[test]
fn a_russian_question_gets_the_english_sentence_and_off_topic_stays_refused() {
    let out = article_qa(
        &[
            "ask",
            "--json",
            "Где расположены военные базы России в Сирии?",
        ],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let texts: Vec<&str> = json["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("Tartus and Hmeimim")),
        "{json}"
    );
    let out = article_qa(&["ask", "--json", "Какая столица у Франции?"], "");
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["source"], "none", "{json}");
    // --lexical turns the stage off: no keyword matches, so no answer.
    let out = article_qa(
        &[
            "ask",
            "--json",
            "--lexical",
            "Где расположены военные базы России в Сирии?",
        ],
        "",
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["source"], "none", "{json}");
}

/// `text` hard-wrapped at `width` columns, breaking at spaces only (as `fmt` does), with a
/// blank line between paragraphs (its non-empty lines).
fn hard_wrapped(text: &str, width: usize) -> String {
    let mut paragraphs = Vec::new();
    for paragraph in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        paragraphs.push(lines.join("\n"));
    }
    paragraphs.join("\n\n") + "\n"
}

/// Each answer's source, then each quoted sentence's place and text read on one line.
fn answers_read_on_one_line(answers: &[serde_json::Value]) -> Vec<String> {
    answers
        .iter()
        .map(|a| {
            let sentences: Vec<String> = a["sentences"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let text = s["text"].as_str().unwrap().split_whitespace();
                    format!(
                        "{}.{} {}",
                        s["paragraph"],
                        s["sentence"],
                        text.collect::<Vec<_>>().join(" ")
                    )
                })
                .collect();
            format!("{}: {}", a["source"], sentences.join(" | "))
        })
        .collect()
}

// A hard-wrapped article lost its answers (article dev top-1 0.91 → 0.50 on a 72-column
// copy of the shipped article): the wrapped first line became the title, and a sentence broke
// wherever a line ended before a capitalised word (`…Minister Mikhail` | `Bogdanov, …`).
#[test]
fn a_hard_wrapped_article_answers_the_dev_questions_as_the_original_does() {
    let dir = tempfile::tempdir().unwrap();
    let name = "putin-al-sharaa-phone-call";
    let original = std::fs::read_to_string(repo(&format!("seeds/{name}.txt"))).unwrap();
    let wrapped = hard_wrapped(&original, 72);
    assert!(wrapped.lines().all(|l| l.chars().count() <= 72));
    let article = dir.path().join(format!("{name}.txt"));
    std::fs::write(&article, &wrapped).unwrap();
    std::fs::copy(
        repo(&format!("seeds/{name}.meta.toml")),
        dir.path().join(format!("{name}.meta.toml")),
    )
    .unwrap();
    let questions = std::fs::read_to_string(repo("tests/data/article/dev.jsonl")).unwrap();
    let seeds = repo("seeds");
    let on_wrapped = ["--no-faq", "--seeds", dir.path().to_str().unwrap()];
    let on_original = ["--no-faq", "--seeds", seeds.to_str().unwrap()];
    let want = answers_read_on_one_line(&ask_json_lines(&on_original, &questions));
    let got = answers_read_on_one_line(&ask_json_lines(&on_wrapped, &questions));
    assert_eq!(got.len(), 40);
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(got, want);
    }
    // The eval figures agree too, with the sentence model and without.
    for lexical in [false, true] {
        let figures = |seeds: &[&str]| {
            let mut args = seeds.to_vec();
            args.extend(lexical.then_some("--lexical"));
            args.extend(["eval", "tests/data/article/dev.jsonl"]);
            let out = article_qa(&args, "");
            assert!(out.status.success(), "{}", stderr(&out));
            stdout(&out)
        };
        assert_eq!(figures(&on_wrapped), figures(&on_original));
    }
    // Without metadata, the wrapped first line is no title: the title comes from the name,
    // its words capitalised as a headline.
    std::fs::remove_file(dir.path().join(format!("{name}.meta.toml"))).unwrap();
    let out = article_qa(
        &[
            &on_wrapped[..],
            &[
                "--lexical",
                "ask",
                "--json",
                "Who led the Russian delegation?",
            ],
        ]
        .concat(),
        "",
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        json["sentences"][0]["title"], "Putin Al Sharaa Phone Call",
        "{json}"
    );
    assert!(
        json["sentences"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Led by Deputy Foreign Minister Mikhail\nBogdanov"),
        "{json}"
    );
}

/// A project folder with a `.env` whose article folder is a relative path, and a subfolder to
/// start the bot in.
fn project_with_env_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("my-articles");
    std::fs::create_dir(&articles).unwrap();
    std::fs::write(
        articles.join("bike-lane.txt"),
        "The city council approved a new bicycle lane on Main Street.\nConstruction starts in May.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "ARTICLE_QA_SEEDS=my-articles\nARTICLE_QA_LEXICAL=1\n",
    )
    .unwrap();
    let sub = dir.path().join("notes");
    std::fs::create_dir(&sub).unwrap();
    (dir, sub)
}

// Started in a subfolder, the bot read the parent folder's `.env` but resolved its
// `ARTICLE_QA_SEEDS=my-articles` against the working folder and silently served the shipped
// article instead: a relative path from a `.env` is read against that file's folder, and the
// start-up says which article folder, FAQ file and `.env` it uses.
#[test]
fn started_in_a_subfolder_the_bot_reads_its_env_file_paths_against_that_file() {
    let (dir, sub) = project_with_env_file();
    let root = dir.path().canonicalize().unwrap();
    let out = article_qa_command()
        .current_dir(&sub)
        .args(["ask", "--json", "When does construction start?"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["sentences"][0]["article"], "bike-lane", "{json}");

    let mut child = article_qa_command()
        .current_dir(&sub)
        .arg("chat")
        .spawn()
        .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let want = format!(
        "article folder {} (ARTICLE_QA_SEEDS in {})",
        root.join("my-articles").display(),
        root.join(".env").display()
    );
    assert!(err.contains(&want), "{err}");
    assert!(
        err.contains(&format!("settings from {}", root.join(".env").display())),
        "{err}"
    );
    assert!(err.contains("no FAQ rules"), "{err}");
}

// With no subcommand, no token and no terminal (a service manager's /dev/null), the bot ran
// the console chat, read end-of-file and exited 0, so the service looked fine. Questions
// piped in are still answered.
#[test]
fn without_a_token_or_a_terminal_the_bot_says_no_token_is_configured_and_fails() {
    let out = article_qa_command()
        .arg("--lexical")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no Telegram token configured"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));

    let out = article_qa(&["--lexical"], "Who led the Russian delegation?\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Mikhail Bogdanov"),
        "{}",
        stdout(&out)
    );
}

// After Ctrl-D at the console's prompt the shell's prompt landed on the same line (`> $`).
#[cfg(unix)]
#[test]
fn ctrl_d_at_the_console_prompt_ends_the_line() {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let child = article_qa_command()
        .args(["--lexical", "--no-faq", "chat"])
        .stdin(Stdio::from(pty.slave))
        .spawn()
        .unwrap();
    let mut terminal = std::fs::File::from(pty.master);
    // Ctrl-D at the start of a line: the terminal reports end of input.
    terminal.write_all(&[0x04]).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.ends_with("> \n"), "{text:?}");
    drop(terminal);
}

//! The bot run in this process, for the benchmarks: the shipped seeds, keywords only, talking
//! to a fake Bot API, with replies unpaced (Telegram's pacing, about 20 messages a second in
//! all, would be all a benchmark measured), on a runtime of its own in a background thread.

#![allow(dead_code)]

use std::path::Path;

use article_qa::app::config::{BotToken, Config, CorpusLocation, DEFAULT_CONTEXT_TTL, Service};
use article_qa::corpus::Corpus;
use article_qa::engine::Engine;

use super::fake_telegram::{FakeTelegram, TOKEN};

/// Runs the bot against `fake` with `redis` (for contexts, and the stream in webhook mode) and
/// `service` (webhook or polling) until the process ends.
pub fn spawn(fake: &FakeTelegram, redis: Option<&str>, service: Service) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let config = Config {
        corpus: CorpusLocation::Dir(seeds.clone()),
        faq: None,
        faq_required: false,
        token: Some(BotToken::new(TOKEN).unwrap()),
        api_url: Some(url::Url::parse(&fake.url()).unwrap()),
        admins: Vec::new(),
        unanswered_log: None,
        redis_url: redis.map(String::from),
        context_ttl: DEFAULT_CONTEXT_TTL,
        semantic: None,
        cache: None,
        log: None,
        sources: Default::default(),
        max_update_age: None,
        service,
    };
    let engine = Engine::new(Corpus::load_dir(&seeds).unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let secrets = article_qa::app::logging::Secrets::default();
            article_qa::app::telegram::run_paced(
                &config,
                engine,
                &secrets,
                article_qa::app::telegram::Pace::Unlimited,
            )
            .await
            .unwrap();
        });
    });
}

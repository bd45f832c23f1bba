//! `/p/{code}`, the public page of a pratica, which citizens and guessers
//! alike ask for most. Its answer is decided before any render
//! ([`CaseAnswer::decide`]: the code parsed, the lookup charged, the pratica
//! read once); an unknown code is then answered from a page Leptos rendered
//! once per language, with the code put in its places, and every other
//! answer is rendered by the app's page with the decision in its context.
//!
//! Why a prepared page: the not-found answer is the one a guesser meets,
//! and a whole Leptos render costs about as much as the bare reference
//! spends on the answer and its read together (bench/RESULTS.md, tenth
//! run). The page is still Leptos's own: it is rendered for two codes
//! apart, and used only if filling the first with the second code gives
//! the second byte for byte.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use leptos::prelude::{LeptosOptions, provide_context};
use pratiche_app::i18n::{I18n, LANGUAGE_COOKIE};
use pratiche_app::{CaseAnswer, paths, shell};
use pratiche_domain::CaseCode;
use tokio::sync::OnceCell;

use super::{PageContext, page_without_hydration_data};

/// The handler's state: how to render, and the prepared not-found pages.
#[derive(Clone)]
pub struct CasePages {
    page_context: PageContext,
    options: LeptosOptions,
    /// By language tag, each prepared at its first use; `None` where the
    /// check failed (that language is then rendered each time).
    not_found: Arc<HashMap<String, OnceCell<Option<NotFoundPage>>>>,
}

impl CasePages {
    pub fn new(page_context: PageContext, options: LeptosOptions) -> Self {
        let not_found = I18n::tags()
            .into_iter()
            .map(|tag| (tag, OnceCell::new()))
            .collect();
        Self {
            page_context,
            options,
            not_found: Arc::new(not_found),
        }
    }

    /// Renders the app's page for `request` with `answer` decided.
    async fn render(&self, request: Request, answer: CaseAnswer) -> Response {
        let page_context = self.page_context.clone();
        let options = self.options.clone();
        let render = leptos_axum::render_app_async_with_context(
            move || {
                page_context.provide();
                provide_context(answer.clone());
            },
            move || shell(options.clone()),
        );
        render(request).await
    }

    /// The not-found page in the language `tag`, prepared at its first use.
    async fn not_found_page(&self, tag: &str) -> Option<&NotFoundPage> {
        let cell = self.not_found.get(tag)?;
        cell.get_or_init(|| self.prepare_not_found(tag))
            .await
            .as_ref()
    }

    /// Renders the not-found page for two codes and keeps it if the first,
    /// with the second code put in its places, is the second.
    async fn prepare_not_found(&self, tag: &str) -> Option<NotFoundPage> {
        // Codes whose two spellings differ, so that the template knows which
        // spelling goes where, and the check sees each one written.
        let mut escaped_codes = std::iter::repeat_with(CaseCode::generate).filter(|code| {
            let code = code.to_string();
            Spelling::AsIs.of(&code) != Spelling::InQuery.of(&code)
        });
        let mut next_code = || escaped_codes.next().expect("an endless supply");
        let (first, second) = (next_code(), next_code());
        let (head, html) = self.render_not_found(tag, first).await?;
        let (second_head, second_html) = self.render_not_found(tag, second).await?;
        let template = CodeTemplate::split(&html, &first.to_string()).filter(|template| {
            head.status == second_head.status
                && head.headers == second_head.headers
                && template.fill(&second.to_string()) == second_html
        });
        let Some(template) = template else {
            tracing::warn!(
                language = tag,
                "the not-found page differs by more than its code: it is rendered for each request"
            );
            return None;
        };
        tracing::info!(language = tag, "the not-found page is prepared");
        Some(NotFoundPage {
            status: head.status,
            headers: head.headers,
            template,
        })
    }

    /// The not-found page for `code` as a request in the language `tag`
    /// alone would get it.
    async fn render_not_found(
        &self,
        tag: &str,
        code: CaseCode,
    ) -> Option<(axum::http::response::Parts, String)> {
        let request = Request::get(paths::case_page(code))
            .header(header::COOKIE, format!("{LANGUAGE_COOKIE}={tag}"))
            .body(Body::empty())
            .expect("a valid request");
        let (mut head, body) = self
            .render(request, CaseAnswer::NotFound(code))
            .await
            .into_parts();
        let html = match page_without_hydration_data(body).await {
            Ok(html) => String::from_utf8(html.to_vec()).ok()?,
            Err(error) => {
                tracing::error!(%error, "cannot read the rendered not-found page");
                return None;
            }
        };
        head.headers.remove(header::CONTENT_LENGTH);
        Some((head, html))
    }
}

/// `GET /p/{code}`.
pub async fn case_page(
    State(pages): State<CasePages>,
    Path(typed): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let answer = CaseAnswer::decide(&pages.page_context.context, &parts, &typed).await;
    // With a query the page's links back (the language switch) carry it:
    // rendered, as the prepared page has none.
    if let CaseAnswer::NotFound(code) = &answer
        && parts.uri.query().is_none()
        && let Some(page) = pages
            .not_found_page(&I18n::from_request(&parts).tag())
            .await
    {
        return page.answer(*code);
    }
    pages.render(Request::from_parts(parts, body), answer).await
}

/// The not-found page of one language, as Leptos rendered it.
struct NotFoundPage {
    status: StatusCode,
    headers: HeaderMap,
    template: CodeTemplate,
}

impl NotFoundPage {
    fn answer(&self, code: CaseCode) -> Response {
        let mut response = Response::new(Body::from(self.template.fill(&code.to_string())));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// How a page writes a code: as it is, and inside a link's query (the
/// language switch's way back), where `$`, `=` and `~` are escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spelling {
    AsIs,
    InQuery,
}

impl Spelling {
    fn of(self, code: &str) -> String {
        match self {
            Self::AsIs => code.to_owned(),
            Self::InQuery => form_urlencoded::byte_serialize(code.as_bytes()).collect(),
        }
    }
}

/// A page cut where a code was: between each two pieces the code goes,
/// spelt as it was there.
#[derive(Debug, PartialEq, Eq)]
struct CodeTemplate {
    pieces: Vec<String>,
    holes: Vec<Spelling>,
}

impl CodeTemplate {
    /// `page` cut at each spelling of `code`; `None` if the code is not in
    /// it, or if its two spellings are the same (the holes could not be
    /// told apart).
    fn split(page: &str, code: &str) -> Option<Self> {
        let spellings =
            [Spelling::AsIs, Spelling::InQuery].map(|spelling| (spelling, spelling.of(code)));
        if spellings[0].1 == spellings[1].1 {
            return None;
        }
        let (mut pieces, mut holes) = (Vec::new(), Vec::new());
        let mut rest = page;
        while let Some((at, spelling, written)) = spellings
            .iter()
            .filter_map(|(spelling, written)| {
                Some((rest.find(written.as_str())?, *spelling, written))
            })
            .min_by_key(|(at, ..)| *at)
        {
            pieces.push(rest[..at].to_owned());
            holes.push(spelling);
            rest = &rest[at + written.len()..];
        }
        pieces.push(rest.to_owned());
        (!holes.is_empty()).then_some(Self { pieces, holes })
    }

    fn fill(&self, code: &str) -> String {
        let spelt = [Spelling::AsIs, Spelling::InQuery].map(|spelling| spelling.of(code));
        let length = self.pieces.iter().map(String::len).sum::<usize>()
            + self.holes.len() * spelt.iter().map(String::len).max().unwrap_or(0);
        let mut page = String::with_capacity(length);
        page.push_str(&self.pieces[0]);
        for (hole, piece) in self.holes.iter().zip(&self.pieces[1..]) {
            page.push_str(&spelt[*hole as usize]);
            page.push_str(piece);
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{CodeTemplate, Spelling};

    proptest! {
        /// Filling the page cut at one code with another is replacing each
        /// spelling of it.
        #[test]
        fn filling_is_replacing_each_spelling(
            parts in proptest::collection::vec("[a-z<>/ =\"]{0,12}", 2..6),
            spellings in proptest::collection::vec(any::<bool>(), 5),
            first in "[A-Z]{4}-[0-9]{2}[$=~]",
            second in "[A-Z]{4}-[0-9]{2}[$=~A-Z]",
        ) {
            let spelt = |code: &str, at: usize| {
                let spelling = if spellings[at] { Spelling::InQuery } else { Spelling::AsIs };
                spelling.of(code)
            };
            let page_of = |code: &str| {
                let mut page = parts[0].clone();
                for (at, part) in parts[1..].iter().enumerate() {
                    page.push_str(&spelt(code, at));
                    page.push_str(part);
                }
                page
            };
            let template = CodeTemplate::split(&page_of(&first), &first).expect("the code is in the page");
            prop_assert_eq!(template.fill(&second), page_of(&second));
            prop_assert_eq!(template.fill(&first), page_of(&first));
        }
    }

    #[test]
    fn a_page_without_the_code_is_no_template() {
        assert_eq!(CodeTemplate::split("<p>nothing</p>", "ABCD-$"), None);
    }

    #[test]
    fn a_code_spelt_alike_both_ways_makes_no_template() {
        assert_eq!(CodeTemplate::split("<p>ABCD-1 ABCD-1</p>", "ABCD-1"), None);
    }
}

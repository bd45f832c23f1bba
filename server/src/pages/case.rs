//! `/p/{code}`, the public page of a pratica, which citizens and guessers
//! alike ask for most. Its answer is decided before any render
//! ([`CaseAnswer::decide`]: the code parsed, the lookup charged, the pratica
//! read once). Then, for a request without a query:
//!
//! - an unknown code is answered from the not-found page Leptos rendered once
//!   per language, with the code put in its places;
//! - a found pratica gets its content rendered by the app
//!   ([`found_content`]) inside a frame (head, header, breadcrumb, footer)
//!   rendered once per language and body, with the code and subject put in
//!   their places;
//!
//! and every other answer is rendered by the app's whole page with the
//! decision in its context.
//!
//! Why prepared pages: a whole Leptos render of the layout costs about as
//! much as the bare reference spends on its whole answer (bench/RESULTS.md,
//! tenth run). The pages are still Leptos's own: each is prepared from
//! renders for two made-up pratiche, and used only if the preparation from
//! the first, filled with the second, gives the second's render byte for
//! byte.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use leptos::prelude::{LeptosOptions, provide_context};
use pratiche_app::i18n::{I18n, LANGUAGE_COOKIE};
use pratiche_app::{CaseAnswer, found_content, paths, shell};
use pratiche_db::public::PublicCase;
use pratiche_domain::CaseCode;
use tokio::sync::OnceCell;

use super::{PageContext, page_without_hydration_data};

/// The handler's state: how to render, and the prepared pages.
#[derive(Clone)]
pub struct CasePages {
    page_context: PageContext,
    options: LeptosOptions,
    /// By language tag, each prepared at its first use; `None` where the
    /// check failed (that language is then rendered each time).
    not_found: Arc<HashMap<String, OnceCell<Option<Prepared>>>>,
    /// The found page's frames, each prepared at its first use; `None`
    /// where the check failed.
    frames: Arc<RwLock<HashMap<FrameKey, Arc<FrameCell>>>>,
}

/// A frame, prepared once; `None` if its check failed.
type FrameCell = OnceCell<Option<Arc<CaseFrame>>>;

/// What a found page's frame depends on besides the code and subject: the
/// language, and the body's name and slug as the header and footer write
/// them (a renamed body gets a frame of its new name; the map is bounded by
/// the bodies and their renames).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FrameKey {
    language: String,
    body_slug: String,
    body_name: String,
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
            frames: Arc::default(),
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

    /// The app's page with `answer` as a request for `code` in the
    /// language `tag` alone would get it, without the hydration data.
    async fn render_alone(
        &self,
        tag: &str,
        code: CaseCode,
        answer: CaseAnswer,
    ) -> Option<(axum::http::response::Parts, String)> {
        let (mut head, body) = self
            .render(request_alone(tag, code), answer)
            .await
            .into_parts();
        let html = match page_without_hydration_data(body).await {
            Ok(html) => String::from_utf8(html.to_vec()).ok()?,
            Err(error) => {
                tracing::error!(%error, "cannot read a rendered case page");
                return None;
            }
        };
        head.headers.remove(header::CONTENT_LENGTH);
        Some((head, html))
    }

    /// The not-found page in the language `tag`, prepared at its first use.
    async fn not_found_page(&self, tag: &str) -> Option<&Prepared> {
        let cell = self.not_found.get(tag)?;
        cell.get_or_init(|| self.prepare_not_found(tag))
            .await
            .as_ref()
    }

    /// Renders the not-found page for two codes and keeps it if the first,
    /// with the second code put in its places, is the second.
    async fn prepare_not_found(&self, tag: &str) -> Option<Prepared> {
        let (first, second) = (made_up_code(), made_up_code());
        let (head, html) = self
            .render_alone(tag, first, CaseAnswer::NotFound(first))
            .await?;
        let (second_head, second_html) = self
            .render_alone(tag, second, CaseAnswer::NotFound(second))
            .await?;
        let prepared =
            Prepared::split(head, &html, &code_fields(first.to_string())).filter(|prepared| {
                prepared.head_is(&second_head)
                    && prepared.fill(&code_fields(second.to_string())) == second_html
            });
        log_preparation("the not-found page", tag, prepared.is_some());
        prepared
    }

    /// The frame of `case`'s page in the language `tag`, prepared at the
    /// first pratica of its body asked for in that language.
    async fn frame(&self, tag: &str, case: &PublicCase) -> Option<Arc<CaseFrame>> {
        let key = FrameKey {
            language: tag.to_owned(),
            body_slug: case.body.slug.clone(),
            body_name: case.body.name.clone(),
        };
        let known = self
            .frames
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .cloned();
        let cell = known.unwrap_or_else(|| {
            let mut frames = self
                .frames
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(frames.entry(key).or_default())
        });
        cell.get_or_init(async || self.prepare_frame(tag, case).await.map(Arc::new))
            .await
            .clone()
    }

    /// Renders the page of two made-up pratiche of `case`'s body, cuts the
    /// first around its content and at its code and subject, and keeps the
    /// frame if it gives the second page around the second's content.
    async fn prepare_frame(&self, tag: &str, case: &PublicCase) -> Option<CaseFrame> {
        let made_up = |subject: &str| PublicCase {
            code: made_up_code(),
            subject: subject.to_owned(),
            ..case.clone()
        };
        // Subjects with what HTML escapes, so the check sees it escaped.
        let (first, second) = (
            made_up("Prova di cornice & <uno> \"1\""),
            made_up("Seconda prova & <due> 'due'"),
        );
        let page_of = async |made_up: &PublicCase| {
            let answer = CaseAnswer::Found {
                case: Arc::new(made_up.clone()),
                usually: None,
            };
            let (head, html) = self.render_alone(tag, made_up.code, answer).await?;
            let (parts, _) = request_alone(tag, made_up.code).into_parts();
            let content = found_content(
                &self.page_context.context,
                &parts,
                Arc::new(made_up.clone()),
                None,
            );
            Some((head, html, content))
        };
        let (head, html, content) = page_of(&first).await?;
        let (second_head, second_html, second_content) = page_of(&second).await?;
        let frame = CaseFrame::split(head, &html, &content, &case_fields(&first)).filter(|frame| {
            frame.before.head_is(&second_head)
                && frame.fill(&case_fields(&second), &second_content) == second_html
        });
        log_preparation("the case page's frame", tag, frame.is_some());
        frame
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
    // With a query the page's links back (the language switch) carry it,
    // and the alerts form may say it was sent: rendered whole.
    if parts.uri.query().is_none() {
        let tag = I18n::from_request(&parts).tag();
        match &answer {
            CaseAnswer::NotFound(code) => {
                if let Some(page) = pages.not_found_page(&tag).await {
                    return page.answer(page.fill(&code_fields(code.to_string())));
                }
            }
            CaseAnswer::Found { case, usually } => {
                if let Some(frame) = pages.frame(&tag, case).await {
                    let content = found_content(
                        &pages.page_context.context,
                        &parts,
                        Arc::clone(case),
                        *usually,
                    );
                    return frame
                        .before
                        .answer(frame.fill(&case_fields(case), &content));
                }
            }
            _ => {}
        }
    }
    pages.render(Request::from_parts(parts, body), answer).await
}

/// A request for `code`'s page in the language `tag`, with nothing else.
fn request_alone(tag: &str, code: CaseCode) -> Request {
    Request::get(paths::case_page(code))
        .header(header::COOKIE, format!("{LANGUAGE_COOKIE}={tag}"))
        .body(Body::empty())
        .expect("a valid request")
}

/// A new code whose two spellings differ, so that a template knows which
/// spelling goes where, and its check sees each one written.
fn made_up_code() -> CaseCode {
    std::iter::repeat_with(CaseCode::generate)
        .find(|code| {
            let code = code.to_string();
            Spelling::AsIs.of(&code) != Spelling::InQuery.of(&code)
        })
        .expect("an endless supply")
}

fn log_preparation(what: &str, language: &str, prepared: bool) {
    if prepared {
        tracing::info!(language, "{what} is prepared");
    } else {
        tracing::warn!(
            language,
            "{what} differs by more than its pratica: it is rendered for each request"
        );
    }
}

/// Where a code goes in a case page: as it is, and in the language
/// switch's link back.
fn code_fields(code: String) -> [Field<'static>; 1] {
    [Field {
        value: Cow::Owned(code),
        spellings: &[Spelling::AsIs, Spelling::InQuery],
    }]
}

/// Where a found page's frame writes the pratica: its code as
/// [`code_fields`], its subject as text (in the title).
fn case_fields(case: &PublicCase) -> [Field<'_>; 2] {
    let [code] = code_fields(case.code.to_string());
    [
        code,
        Field {
            value: Cow::Borrowed(&case.subject),
            spellings: &[Spelling::Text],
        },
    ]
}

/// A value a prepared page is cut at, and the ways the page writes it.
struct Field<'a> {
    value: Cow<'a, str>,
    spellings: &'static [Spelling],
}

/// How a page writes a value: as it is, inside a link's query (the
/// language switch's way back: `$`, `=` and `~` are escaped), or as HTML
/// text (`&` and `<` are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spelling {
    AsIs,
    InQuery,
    Text,
}

impl Spelling {
    fn of(self, value: &str) -> Cow<'_, str> {
        match self {
            Self::AsIs => Cow::Borrowed(value),
            Self::InQuery => form_urlencoded::byte_serialize(value.as_bytes()).collect(),
            Self::Text => html_escape::encode_text(value),
        }
    }
}

/// A page cut where the values of some fields were: between each two
/// pieces goes a field's value, spelt as it was there.
#[derive(Debug, PartialEq, Eq)]
struct Template {
    pieces: Vec<String>,
    /// The field and its spelling, for each hole.
    holes: Vec<(usize, Spelling)>,
}

impl Template {
    /// `page` cut at each spelling of each field's value; `None` if two
    /// spellings of one value are the same (the holes could not be told
    /// apart).
    fn split(page: &str, fields: &[Field]) -> Option<Self> {
        let mut spelt = Vec::new();
        for (field_at, field) in fields.iter().enumerate() {
            let ways: Vec<_> = field
                .spellings
                .iter()
                .map(|spelling| (field_at, *spelling, spelling.of(&field.value)))
                .collect();
            for (at, (.., written)) in ways.iter().enumerate() {
                if ways[..at].iter().any(|(.., other)| other == written) {
                    return None;
                }
            }
            spelt.extend(ways);
        }
        let (mut pieces, mut holes) = (Vec::new(), Vec::new());
        let mut rest = page;
        while let Some((at, field_at, spelling, written)) = spelt
            .iter()
            .filter(|(.., written)| !written.is_empty())
            .filter_map(|(field_at, spelling, written)| {
                Some((rest.find(written.as_ref())?, *field_at, *spelling, written))
            })
            .min_by_key(|(at, ..)| *at)
        {
            pieces.push(rest[..at].to_owned());
            holes.push((field_at, spelling));
            rest = &rest[at + written.len()..];
        }
        pieces.push(rest.to_owned());
        Some(Self { pieces, holes })
    }

    /// Appends the page with `fields`' values in its holes to `page`.
    fn fill_into(&self, page: &mut String, fields: &[Field]) {
        page.push_str(&self.pieces[0]);
        for ((field_at, spelling), piece) in self.holes.iter().zip(&self.pieces[1..]) {
            page.push_str(&spelling.of(&fields[*field_at].value));
            page.push_str(piece);
        }
    }

    fn length(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }
}

/// A page Leptos rendered, cut where its pratica was written, with the
/// status and headers it was rendered with.
struct Prepared {
    status: StatusCode,
    headers: HeaderMap,
    template: Template,
}

impl Prepared {
    fn split(head: axum::http::response::Parts, page: &str, fields: &[Field]) -> Option<Self> {
        Some(Self {
            status: head.status,
            headers: head.headers,
            template: Template::split(page, fields)?,
        })
    }

    fn head_is(&self, head: &axum::http::response::Parts) -> bool {
        self.status == head.status && self.headers == head.headers
    }

    fn fill(&self, fields: &[Field]) -> String {
        let mut page = String::with_capacity(self.template.length() + 64);
        self.template.fill_into(&mut page, fields);
        page
    }

    fn answer(&self, page: String) -> Response {
        let mut response = Response::new(Body::from(page));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// A found pratica's page around its content: the part before it (with the
/// status and headers) and the part after.
struct CaseFrame {
    before: Prepared,
    after: Template,
}

impl CaseFrame {
    /// `page` cut around `content`, which it must hold once, and at the
    /// fields' values.
    fn split(
        head: axum::http::response::Parts,
        page: &str,
        content: &str,
        fields: &[Field],
    ) -> Option<Self> {
        let at = page
            .find(content)
            .filter(|at| page.rfind(content) == Some(*at))?;
        let after = &page[at + content.len()..];
        Some(Self {
            before: Prepared::split(head, &page[..at], fields)?,
            after: Template::split(after, fields)?,
        })
    }

    fn fill(&self, fields: &[Field], content: &str) -> String {
        let mut page = String::with_capacity(
            self.before.template.length() + content.len() + self.after.length() + 128,
        );
        self.before.template.fill_into(&mut page, fields);
        page.push_str(content);
        self.after.fill_into(&mut page, fields);
        page
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{CaseFrame, Field, Spelling, Template, code_fields};

    fn page_of(parts: &[String], spelt: impl Fn(usize) -> String) -> String {
        let mut page = parts[0].clone();
        for (at, part) in parts[1..].iter().enumerate() {
            page.push_str(&spelt(at));
            page.push_str(part);
        }
        page
    }

    fn filled(template: &Template, fields: &[Field]) -> String {
        let mut page = String::new();
        template.fill_into(&mut page, fields);
        page
    }

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
            let page_with = |code: &str| {
                page_of(&parts, |at| {
                    let spelling = if spellings[at] { Spelling::InQuery } else { Spelling::AsIs };
                    spelling.of(code).into_owned()
                })
            };
            let template = Template::split(&page_with(&first), &code_fields(first.clone()))
                .expect("two spellings");
            prop_assert_eq!(filled(&template, &code_fields(second.clone())), page_with(&second));
            prop_assert_eq!(filled(&template, &code_fields(first.clone())), page_with(&first));
        }

        /// A text is put back escaped where it was escaped, whatever it holds.
        #[test]
        fn text_is_put_back_escaped(
            parts in proptest::collection::vec("[a-z/ =]{0,12}", 2..5),
            text in "\\PC{0,20}",
        ) {
            let first = "Prova & <uno>";
            let fields = |value: &str| [Field { value: value.to_owned().into(), spellings: &[Spelling::Text] }];
            let template = Template::split(
                &page_of(&parts, |_| Spelling::Text.of(first).into_owned()),
                &fields(first),
            ).expect("one spelling");
            prop_assert_eq!(
                filled(&template, &fields(&text)),
                page_of(&parts, |_| html_escape::encode_text(&text).into_owned())
            );
        }
    }

    #[test]
    fn a_page_without_the_code_is_itself() {
        let template = Template::split("<p>nothing</p>", &code_fields("ABCD-$".into())).unwrap();
        assert_eq!(
            filled(&template, &code_fields("WXYZ-~".into())),
            "<p>nothing</p>"
        );
    }

    #[test]
    fn a_code_spelt_alike_both_ways_makes_no_template() {
        assert_eq!(
            Template::split("<p>ABCD-1 ABCD-1</p>", &code_fields("ABCD-1".into())),
            None
        );
    }

    #[test]
    fn a_frame_needs_its_content_once() {
        let head = || axum::http::Response::new(()).into_parts().0;
        let fields = code_fields("ABCD-$".into());
        assert!(CaseFrame::split(head(), "<main>ABCD-$ x</main><p>x</p>", "x", &fields).is_none());
        let frame = CaseFrame::split(head(), "<h1>ABCD-$</h1><main>x</main>", "x", &fields)
            .expect("the content is there once");
        assert_eq!(
            frame.fill(&code_fields("WXYZ-~".into()), "y"),
            "<h1>WXYZ-~</h1><main>y</main>"
        );
    }
}

//! The Content-Security-Policy (docs/rules.md, Security and privacy): only the site's own files, no
//! inline script but the islands' loader, which carries the page's nonce;
//! no framing, no plugins, forms post only to the site.

/// The policy of a page whose inline scripts carry `nonce`; without one, a
/// response that runs no script at all (the server's default for every
/// answer that does not set its own).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        // `wasm-unsafe-eval` lets the islands' WebAssembly compile; it
        // allows no JavaScript `eval`.
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'none'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::content_security_policy;

    #[test]
    fn allows_no_inline_script_without_the_nonce() {
        let page = content_security_policy(Some("abc123"));
        assert!(page.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!page.contains("unsafe-inline"));
        assert!(page.contains("frame-ancestors 'none'"));
        assert!(content_security_policy(None).contains("script-src 'none';"));
    }
}

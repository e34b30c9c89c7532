//! The hosted checkout page a `payment_url` leads to.

use crate::state::Transaction;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page for one transaction.
pub fn page(t: &Transaction) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>CinetPay emulator checkout</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:2rem auto\">\
         <p><strong>CinetPay emulator</strong>: no real payment is made.</p>\
         <h1>{amount} {currency}</h1><p>{description}</p>\
         <dl><dt>transaction_id</dt><dd>{tx}</dd><dt>site_id</dt><dd>{site}</dd>\
         <dt>channels</dt><dd>{channels}</dd></dl></body></html>\n",
        amount = t.amount,
        currency = escape(&t.currency),
        description = escape(&t.description),
        tx = escape(&t.transaction_id),
        site = escape(&t.site_id),
        channels = escape(&t.channels),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<b>\"&'"), "&lt;b&gt;&quot;&amp;&#39;");
    }
}

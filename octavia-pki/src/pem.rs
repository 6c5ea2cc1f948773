//! PEM framing, as OpenSSL reads it.
//!
//! OpenSSL skips anything before `-----BEGIN` (a BOM, `openssl x509 -text`
//! output), accepts CRLF, and keeps RFC 1421 headers (`Proc-Type`, `DEK-Info`)
//! that legacy encrypted keys need. The `pem` crate does the same, but it
//! silently drops a final block whose END line is missing; that truncation is
//! exactly what an operator needs to hear about, so it is detected here.

use zeroize::Zeroizing;

/// Label of a certificate block.
pub const CERTIFICATE: &str = "CERTIFICATE";
/// Old label of a certificate block, still accepted by OpenSSL.
pub const X509_CERTIFICATE: &str = "X509 CERTIFICATE";
/// Label of an unencrypted PKCS#8 key.
pub const PRIVATE_KEY: &str = "PRIVATE KEY";
/// Label of an encrypted PKCS#8 key.
pub const ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";
/// Label of a PKCS#1 RSA key (plain, or legacy-encrypted with headers).
pub const RSA_PRIVATE_KEY: &str = "RSA PRIVATE KEY";
/// Label of a SEC1 EC key (plain, or legacy-encrypted with headers).
pub const EC_PRIVATE_KEY: &str = "EC PRIVATE KEY";

/// Whether a label names a private key.
pub fn is_key_label(label: &str) -> bool {
    matches!(
        label,
        PRIVATE_KEY | ENCRYPTED_PRIVATE_KEY | RSA_PRIVATE_KEY | EC_PRIVATE_KEY
    )
}

/// Whether a label names a certificate.
pub fn is_certificate_label(label: &str) -> bool {
    matches!(label, CERTIFICATE | X509_CERTIFICATE)
}

/// One decoded PEM block. The contents are wiped on drop: they may be a key.
pub struct Block {
    label: String,
    headers: Vec<(String, String)>,
    contents: Zeroizing<Vec<u8>>,
}

impl Block {
    /// The label between `BEGIN ` and the closing dashes.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The value of an RFC 1421 header such as `DEK-Info`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded DER bytes.
    pub fn contents(&self) -> &[u8] {
        &self.contents
    }
}

/// Why the PEM framing of a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    /// A BEGIN line has no matching END line: the file is truncated.
    #[error("the \"{label}\" block has no END line (truncated file?)")]
    MissingEnd {
        /// The label of the unterminated block.
        label: String,
    },
    /// BEGIN and END labels differ.
    #[error("a block begins as \"{begin}\" but ends as \"{end}\"")]
    MismatchedLabels {
        /// The BEGIN label.
        begin: String,
        /// The END label.
        end: String,
    },
    /// The base64 between BEGIN and END does not decode.
    #[error("the base64 inside a PEM block is corrupt ({detail})")]
    Base64 {
        /// What the decoder said.
        detail: String,
    },
    /// Anything else the PEM parser refused.
    #[error("malformed PEM ({detail})")]
    Malformed {
        /// What the parser said.
        detail: String,
    },
}

/// Decodes every PEM block in `input`, in order. Text around blocks is skipped,
/// as OpenSSL skips it. An input without any BEGIN line yields no blocks.
pub fn parse_blocks(input: &[u8]) -> Result<Vec<Block>, PemError> {
    let blocks = ::pem::parse_many(input).map_err(|e| match e {
        ::pem::PemError::MismatchedTags(begin, end) => PemError::MismatchedLabels { begin, end },
        ::pem::PemError::InvalidData(d) => PemError::Base64 {
            detail: d.to_string(),
        },
        ::pem::PemError::MissingEndTag => PemError::MissingEnd {
            label: String::new(),
        },
        other => PemError::Malformed {
            detail: other.to_string(),
        },
    })?;
    if count_begin_lines(input) > blocks.len() {
        return Err(PemError::MissingEnd {
            label: last_begin_label(input).unwrap_or_default(),
        });
    }
    Ok(blocks
        .into_iter()
        .map(|p| Block {
            label: p.tag().to_owned(),
            headers: p
                .headers()
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            contents: Zeroizing::new(p.into_contents()),
        })
        .collect())
}

/// Whether `input` has at least one BEGIN line, complete or not.
pub fn has_begin_line(input: &[u8]) -> bool {
    count_begin_lines(input) > 0
}

const BEGIN: &[u8] = b"-----BEGIN ";

fn begin_positions(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
    input
        .windows(BEGIN.len())
        .enumerate()
        .filter(|(_, w)| *w == BEGIN)
        .map(|(i, _)| i)
}

fn count_begin_lines(input: &[u8]) -> usize {
    begin_positions(input).count()
}

fn last_begin_label(input: &[u8]) -> Option<String> {
    let start = begin_positions(input).last()? + BEGIN.len();
    let rest = &input[start..];
    let end = rest.windows(5).position(|w| w == b"-----")?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Encodes DER as a PEM block with LF line endings.
pub fn encode(label: &str, der: &[u8]) -> String {
    ::pem::encode_config(
        &::pem::Pem::new(label, der.to_vec()),
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    )
}

/// Encodes secret DER (a private key) as PEM; the text is wiped on drop.
pub fn encode_secret(label: &str, der: &[u8]) -> Zeroizing<String> {
    let block = ::pem::Pem::new(label, der.to_vec());
    let text = Zeroizing::new(::pem::encode_config(
        &block,
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    ));
    // The pem crate owns a copy of the DER; wipe it before it is freed.
    drop(Zeroizing::new(block.into_contents()));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";

    #[test]
    fn skips_text_bom_and_crlf_like_openssl() {
        let input = format!(
            "\u{feff}Certificate:\r\n  junk\r\n{}",
            CERT.replace('\n', "\r\n")
        );
        let blocks = parse_blocks(input.as_bytes()).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label(), CERTIFICATE);
        assert_eq!(blocks[0].contents(), &[0, 1, 2]);
    }

    #[test]
    fn truncated_last_block_is_reported() {
        let input = format!("{CERT}-----BEGIN PRIVATE KEY-----\nAAEC\n");
        assert_eq!(
            parse_blocks(input.as_bytes()).err(),
            Some(PemError::MissingEnd {
                label: PRIVATE_KEY.into()
            })
        );
    }

    #[test]
    fn corrupt_base64_is_reported() {
        let input = "-----BEGIN CERTIFICATE-----\nA*EC\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            parse_blocks(input.as_bytes()),
            Err(PemError::Base64 { .. })
        ));
    }

    #[test]
    fn no_begin_line_means_no_blocks() {
        assert!(
            parse_blocks(b"\x30\x82\x01\x00 DER bytes")
                .unwrap()
                .is_empty()
        );
        assert!(!has_begin_line(b"\x30\x82"));
    }

    #[test]
    fn headers_are_kept() {
        let input = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00FF\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
        let blocks = parse_blocks(input.as_bytes()).unwrap();
        assert_eq!(blocks[0].header("DEK-Info"), Some("AES-256-CBC,00FF"));
        assert_eq!(blocks[0].header("Proc-Type"), Some("4,ENCRYPTED"));
    }

    #[test]
    fn encode_round_trips() {
        let text = encode(CERTIFICATE, &[9, 8, 7]);
        assert_eq!(
            parse_blocks(text.as_bytes()).unwrap()[0].contents(),
            &[9, 8, 7]
        );
    }
}

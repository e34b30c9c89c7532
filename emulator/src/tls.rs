//! HTTPS for the emulator (`--tls-cert`, `--tls-key`) and the test certificates every suite's TLS
//! tests use (`cinetpay-emulator tls-certs DIR`): a test authority and three server
//! certificates it signed, one good and two that a client must refuse.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::{Duration, OffsetDateTime};

/// The files [`write_test_certificates`] writes, by name (each `NAME.pem`, and `NAME.key` for
/// the server certificates).
pub const TEST_CERTIFICATES: &[(&str, &str)] = &[
    (
        "ca",
        "the test authority: give it to the client as ca_certificates",
    ),
    (
        "good",
        "127.0.0.1 and localhost, valid for a year: the client accepts it",
    ),
    (
        "expired",
        "127.0.0.1 and localhost, expired yesterday: the client refuses it",
    ),
    (
        "wrong-host",
        "only wrong-host.example: the client refuses it on 127.0.0.1",
    ),
];

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Writes a test authority and server certificates it signed into `dir` (see
/// [`TEST_CERTIFICATES`]); returns the files written. Fresh keys every time.
pub fn write_test_certificates(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let now = OffsetDateTime::now_utc();
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "cinetpay-emulator test authority");
    ca.distinguished_name = name;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = now - Duration::days(1);
    ca.not_after = now + Duration::days(365);
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut written = Vec::new();
    let mut write = |file: String, text: String| -> io::Result<()> {
        let path = dir.join(file);
        std::fs::write(&path, text)?;
        written.push(path);
        Ok(())
    };
    write("ca.pem".into(), ca_cert.pem())?;
    let local = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
    let servers = [
        (
            "good",
            local.clone(),
            now - Duration::days(1),
            now + Duration::days(365),
        ),
        (
            "expired",
            local,
            now - Duration::days(30),
            now - Duration::days(1),
        ),
        (
            "wrong-host",
            vec!["wrong-host.example".to_owned()],
            now - Duration::days(1),
            now + Duration::days(365),
        ),
    ];
    for (name, hosts, not_before, not_after) in servers {
        let mut params = CertificateParams::new(hosts).map_err(err)?;
        params.not_before = not_before;
        params.not_after = not_after;
        let key = KeyPair::generate().map_err(err)?;
        let cert = params.signed_by(&key, &issuer).map_err(err)?;
        write(format!("{name}.pem"), cert.pem())?;
        write(format!("{name}.key"), key.serialize_pem())?;
    }
    Ok(written)
}

/// The server side of TLS from a PEM certificate chain and its PEM private key.
pub fn acceptor(cert_file: &Path, key_file: &Path) -> io::Result<tokio_rustls::TlsAcceptor> {
    let read = |path: &Path| {
        std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    };
    let chain = CertificateDer::pem_slice_iter(&read(cert_file)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(format!("{}: {e}", cert_file.display())))?;
    let key = PrivateKeyDer::from_pem_slice(&read(key_file)?)
        .map_err(|e| err(format!("{}: {e}", key_file.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(err)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(err)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_certificates_load() {
        let dir = std::env::temp_dir().join(format!("cinetpay-tls-{}", std::process::id()));
        let files = write_test_certificates(&dir).expect("written");
        assert_eq!(files.len(), 7);
        for name in ["good", "expired", "wrong-host"] {
            acceptor(
                &dir.join(format!("{name}.pem")),
                &dir.join(format!("{name}.key")),
            )
            .expect(name);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! Opening a piece source for add_pieces: a local file, or an `http://` URL fetched with a minimal HTTP/1.1 GET
//! (std only; TLS is not available without crates). Redirects are followed up to 5 times; like damocles, the
//! `PIECE_FETCHER_TOKEN` bearer token is sent only on a redirected request (manager `/piecestore` -> market).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

struct Url {
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Result<Url, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!("url {url:?}: only http:// URLs are supported (no TLS in sealfarm-proofs); use a local piece file")
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            (h.to_string(), p.parse::<u16>().map_err(|_| format!("url {url:?}: bad port {p:?}"))?)
        }
        _ => (authority.to_string(), 80),
    };
    if host.is_empty() {
        return Err(format!("url {url:?}: no host"));
    }
    Ok(Url { host, port, path: path.to_string() })
}

/// A response body: fixed length, chunked, or until EOF.
enum Body {
    Length(BufReader<TcpStream>, u64),
    Chunked(BufReader<TcpStream>, u64, bool),
    Eof(BufReader<TcpStream>),
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Body::Length(r, left) => {
                if *left == 0 {
                    return Ok(0);
                }
                let n = (buf.len() as u64).min(*left) as usize;
                let got = r.read(&mut buf[..n])?;
                if got == 0 {
                    return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed before Content-Length bytes"));
                }
                *left -= got as u64;
                Ok(got)
            }
            Body::Chunked(r, left, done) => {
                while *left == 0 {
                    if *done {
                        return Ok(0);
                    }
                    let mut line = String::new();
                    r.read_line(&mut line)?;
                    let line = line.trim();
                    if line.is_empty() {
                        continue; // CRLF after a chunk
                    }
                    let size = u64::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad chunk size {line:?}")))?;
                    if size == 0 {
                        *done = true;
                        return Ok(0);
                    }
                    *left = size;
                }
                let n = (buf.len() as u64).min(*left) as usize;
                let got = r.read(&mut buf[..n])?;
                if got == 0 {
                    return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed inside a chunk"));
                }
                *left -= got as u64;
                Ok(got)
            }
            Body::Eof(r) => r.read(buf),
        }
    }
}

/// GETs `url`, following redirects; the body streams from the returned reader.
pub fn http_get(url: &str) -> Result<Box<dyn Read + Send>, String> {
    let token = std::env::var("PIECE_FETCHER_TOKEN").ok();
    let mut current = url.to_string();
    for hop in 0..6 {
        let u = parse_url(&current)?;
        let stream = TcpStream::connect((u.host.as_str(), u.port)).map_err(|e| format!("url {current:?}: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(300))).ok();
        let mut req = format!("GET {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nUser-Agent: sealfarm-proofs\r\n", u.path, u.host, u.port);
        if hop > 0 {
            if let Some(t) = &token {
                req.push_str(&format!("Authorization: Bearer {t}\r\nX-VENUS-API-NAMESPACE: v1.IMarket\r\n"));
            }
        }
        req.push_str("\r\n");
        (&stream).write_all(req.as_bytes()).map_err(|e| format!("url {current:?}: {e}"))?;
        let mut r = BufReader::new(stream);
        let mut status = String::new();
        r.read_line(&mut status).map_err(|e| format!("url {current:?}: {e}"))?;
        let code: u16 = status
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("url {current:?}: bad HTTP status line {:?}", status.trim()))?;
        let (mut length, mut chunked, mut location) = (None, false, None);
        loop {
            let mut line = String::new();
            r.read_line(&mut line).map_err(|e| format!("url {current:?}: {e}"))?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let v = v.trim();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.parse::<u64>().ok(),
                    "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                    "location" => location = Some(v.to_string()),
                    _ => {}
                }
            }
        }
        if (300..400).contains(&code) {
            let loc = location.ok_or_else(|| format!("url {current:?}: redirect {code} without Location"))?;
            current = if loc.starts_with('/') { format!("http://{}:{}{loc}", u.host, u.port) } else { loc };
            continue;
        }
        if code != 200 {
            return Err(format!("url {current:?}: HTTP status {code}"));
        }
        return Ok(if chunked {
            Box::new(Body::Chunked(r, 0, false))
        } else if let Some(n) = length {
            Box::new(Body::Length(r, n))
        } else {
            Box::new(Body::Eof(r))
        });
    }
    Err(format!("url {url:?}: too many redirects"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot loopback server per response, so redirects, chunked bodies and tokens are exercised for real.
    fn serve(responses: Vec<String>) -> (u16, std::thread::JoinHandle<Vec<String>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            let mut reqs = Vec::new();
            for resp in responses {
                let (mut s, _) = l.accept().unwrap();
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut req = String::new();
                loop {
                    let mut line = String::new();
                    r.read_line(&mut line).unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    req.push_str(&line);
                }
                reqs.push(req);
                s.write_all(resp.replace("PORT", &port.to_string()).as_bytes()).unwrap();
            }
            reqs
        });
        (port, h)
    }

    #[test]
    fn follows_a_redirect_with_the_token_and_decodes_chunks() {
        let (port, h) = serve(vec![
            "HTTP/1.1 302 Found\r\nLocation: /market/x\r\nContent-Length: 0\r\n\r\n".into(),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".into(),
        ]);
        let mut body = String::new();
        http_get(&format!("http://127.0.0.1:{port}/piecestore/abc")).unwrap().read_to_string(&mut body).unwrap();
        assert_eq!(body, "hello world");
        let reqs = h.join().unwrap();
        assert!(reqs[0].starts_with("GET /piecestore/abc HTTP/1.1"));
        assert!(reqs[1].starts_with("GET /market/x HTTP/1.1"));
    }

    #[test]
    fn errors_name_the_url() {
        let (port, h) = serve(vec!["HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into()]);
        let e = http_get(&format!("http://127.0.0.1:{port}/nope")).err().unwrap();
        assert!(e.contains("/nope") && e.contains("404"), "{e}");
        h.join().unwrap();
        assert!(http_get("https://example.invalid/x").err().unwrap().contains("only http://"));
    }
}

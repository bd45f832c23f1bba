//! nginx (Debian's package, installed by `scripts/test.sh`) in front of
//! the app's instances on this machine, with the deployment's own site file
//! (`deploy/nginx/pratiche.conf`) included as it is, on its ports 80 and
//! 443; only what the site file leaves to each installation (the upstream,
//! the name, a self-signed certificate made with openssl, the site's
//! files) is written here, in the places the site file includes. Stopped
//! when dropped. One at a time: tests that start one wait for the ports.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Held by the running nginx: its ports are this machine's 80 and 443.
static PORTS: Mutex<()> = Mutex::new(());

pub struct Nginx {
    process: Child,
    folder: tempfile::TempDir,
    /// Released after the process is stopped (fields drop after `drop`).
    _ports: MutexGuard<'static, ()>,
}

impl Nginx {
    /// Starts nginx proxying to `instances` (`http://127.0.0.1:PORT`),
    /// serving static files from `site_root`.
    pub fn start(instances: &[&str], site_root: &Path) -> Self {
        // A test that failed while holding the ports still stopped its nginx.
        let ports = PORTS.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = tempfile::tempdir().expect("a folder for nginx");
        let at = |name: &str| folder.path().join(name);
        // A certificate authority of its own, and the server's certificate
        // signed by it (TLS clients refuse a CA certificate as a server's).
        std::fs::write(
            at("leaf.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let openssl = |args: &[&str]| {
            let done = Command::new("openssl")
                .args(args)
                .current_dir(folder.path())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs");
            assert!(done.success(), "openssl {args:?}");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Pratiche test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "leaf.csr",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert.pem",
        ]);
        std::fs::create_dir(at("pratiche")).unwrap();
        let servers: String = instances
            .iter()
            .map(|url| {
                let address = url.trim_start_matches("http://");
                format!("    server {address} max_fails=1 fail_timeout=2s;\n")
            })
            .collect();
        std::fs::write(
            at("pratiche/upstream.conf"),
            format!("upstream pratiche {{\n{servers}    keepalive 8;\n}}\n"),
        )
        .unwrap();
        std::fs::write(
            at("pratiche/site.conf"),
            format!(
                "server_name 127.0.0.1;\nssl_certificate {};\nssl_certificate_key {};\nroot {};\n",
                at("cert.pem").display(),
                at("key.pem").display(),
                site_root.display()
            ),
        )
        .unwrap();
        let site = format!(
            "{}/../deploy/nginx/pratiche.conf",
            env!("CARGO_MANIFEST_DIR")
        );
        let folder_path = folder.path().display();
        std::fs::write(
            at("nginx.conf"),
            format!(
                "daemon off;\nuser root;\nworker_processes 1;\npid {folder_path}/nginx.pid;\n\
                 error_log {folder_path}/error.log warn;\nevents {{ worker_connections 256; }}\n\
                 http {{\n  include /etc/nginx/mime.types;\n  access_log {folder_path}/access.log;\n\
                 client_body_temp_path {folder_path}/body;\n  proxy_temp_path {folder_path}/proxy;\n\
                 fastcgi_temp_path {folder_path}/fastcgi;\n  uwsgi_temp_path {folder_path}/uwsgi;\n\
                 scgi_temp_path {folder_path}/scgi;\n  include {site};\n}}\n"
            ),
        )
        .unwrap();
        let nginx = ["/usr/sbin/nginx", "nginx"]
            .into_iter()
            .find(|path| {
                Command::new(path)
                    .arg("-v")
                    .stderr(Stdio::null())
                    .status()
                    .is_ok()
            })
            .expect("nginx is installed (scripts/test.sh installs it)");
        let process = Command::new(nginx)
            .arg("-p")
            .arg(folder.path())
            .arg("-c")
            .arg(at("nginx.conf"))
            .stderr(Stdio::piped())
            .spawn()
            .expect("nginx starts");
        let nginx = Self {
            process,
            folder,
            _ports: ports,
        };
        nginx.wait_until_listening();
        nginx
    }

    fn wait_until_listening(&self) {
        let start = Instant::now();
        while std::net::TcpStream::connect("127.0.0.1:443").is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "nginx listens on 443: {}",
                std::fs::read_to_string(self.folder.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The certificate authority clients are to trust.
    pub fn certificate(&self) -> reqwest::Certificate {
        let pem = std::fs::read(self.folder.path().join("ca.pem")).unwrap();
        reqwest::Certificate::from_pem(&pem).unwrap()
    }
}

impl Drop for Nginx {
    /// A fast shutdown (SIGTERM), so the master stops its workers and
    /// frees the ports; SIGKILL only if it hangs.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.process.id().to_string()])
            .status();
        for _ in 0..100 {
            if matches!(self.process.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

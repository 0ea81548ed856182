//! Arguments of the relay commands: serving, its devices, the PostgreSQL registry.

use std::path::PathBuf;

use clap::Subcommand;

/// Relay commands.
#[derive(Debug, Subcommand)]
pub enum RelayCmd {
    /// Serve the store in --data to enrolled devices.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:7878 (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: String,
        /// TLS certificate chain (PEM).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Serve plain HTTP on an address other than loopback: devices' tokens and residents'
        /// data then cross the network unencrypted (without it, such an address needs TLS).
        #[arg(long, conflicts_with = "tls_cert")]
        plain_http: bool,
        /// Admin address serving /health and /metrics, e.g. 127.0.0.1:9878 (not the devices').
        #[arg(long)]
        admin: Option<String>,
        /// Log lines on stderr: text or json.
        #[arg(long, default_value = "text", env = "GRIDBOOK_LOG_FORMAT")]
        log_format: String,
        /// Log level or filter, e.g. info, debug, warn,gridbook_relay=debug (default: $GRIDBOOK_LOG, else info).
        #[arg(long)]
        log_level: Option<String>,
        /// Serve every township in this PostgreSQL database instead of the store in --data.
        #[arg(long, env = "GRIDBOOK_RELAY_POSTGRES", hide_env_values = true)]
        postgres: Option<String>,
        /// Devices' connections open at once (a device that syncs keeps one open until it is
        /// idle 90 s); past it a new one is answered 503 with Retry-After. Each takes a file
        /// descriptor: keep it under the process's limit (`ulimit -n`).
        #[arg(long, env = "GRIDBOOK_RELAY_MAX_CONNECTIONS", default_value_t = 1024,
              value_parser = clap::value_parser!(u32).range(16..=1_000_000))]
        max_connections: u32,
    },
    /// Copy the relay in --data into PostgreSQL (documents, devices, sync states); safe to repeat.
    Migrate {
        /// The PostgreSQL database, e.g. postgres://gridbook@127.0.0.1/gridbook.
        #[arg(long)]
        to_postgres: String,
    },
    /// Enrolled devices.
    #[command(subcommand)]
    Device(RelayDeviceCmd),
    /// The relay's TLS certificate from a township CA that devices pin at enrollment.
    #[command(subcommand)]
    Tls(RelayTlsCmd),
    /// Copy the relay in --data (serving or not) into one backup file.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup file into the empty data directory --data.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Rebuild a lost relay in the empty data directory --data from a township device's data.
    Seed {
        /// The township device's data directory.
        #[arg(long)]
        from: PathBuf,
    },
}

/// Relay device commands.
#[derive(Debug, Subcommand)]
pub enum RelayDeviceCmd {
    /// Enroll a device; prints its token once.
    Add {
        /// The device's village.
        #[arg(
            long,
            conflicts_with = "township",
            required_unless_present = "township"
        )]
        village: Option<String>,
        /// The device works for the whole township.
        #[arg(long)]
        township: bool,
        /// grid-worker, volunteer, doctor or township.
        #[arg(long)]
        role: String,
        /// Name, e.g. 桂花村网格员手机.
        #[arg(long)]
        name: String,
        /// Give a one-time enrollment code (short, expires, works once) instead of the token.
        #[arg(long)]
        code: bool,
        /// How long the code works, e.g. 30m, 24h, 7d (default 24h).
        #[arg(long, requires = "code")]
        valid_for: Option<String>,
        /// The relay address devices use, put in the QR text with the code.
        #[arg(long, requires = "code")]
        relay_url: Option<String>,
        /// The township CA (ca.pem of `relay tls init`): its fingerprint goes in the QR text,
        /// and a device enrolling over https trusts that CA only.
        #[arg(long, requires = "code")]
        ca: Option<PathBuf>,
        #[command(flatten)]
        pg: PgTarget,
    },
    /// List devices.
    List {
        #[command(flatten)]
        pg: PgTarget,
    },
    /// Refuse a device from now on.
    Revoke {
        /// Device id.
        device_id: String,
        #[command(flatten)]
        pg: PgTarget,
    },
}

/// Relay TLS commands.
#[derive(Debug, Subcommand)]
pub enum RelayTlsCmd {
    /// Make the township CA (once; kept when run again) and a certificate for the relay.
    Init {
        /// Directory for ca.pem, ca-key.pem, cert.pem (the chain) and key.pem.
        #[arg(long)]
        dir: PathBuf,
        /// A name or IP address devices use to reach the relay (repeat for several).
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
    },
}

/// The device registry in PostgreSQL rather than in --data.
#[derive(Debug, Clone, clap::Args)]
pub struct PgTarget {
    /// The PostgreSQL database of a relay serving many townships.
    #[arg(long, env = "GRIDBOOK_RELAY_POSTGRES", hide_env_values = true)]
    pub postgres: Option<String>,
    /// The device's township in that database (default: the township of --data).
    #[arg(long, requires = "postgres")]
    pub township_id: Option<String>,
}

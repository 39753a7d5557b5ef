//! Name resolution and connection set-up, injectable for tests.
//!
//! The outbound policy resolves names itself and connects only to the
//! address it checked. Tests replace [`Resolver`] and [`Dialer`] to give a
//! name any address they like and to see which address the host chose,
//! without a packet leaving loopback.

use async_trait::async_trait;
use std::fmt::Debug;
use std::io;
use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpStream;

/// Resolves a host name to addresses.
#[async_trait]
pub trait Resolver: Send + Sync + Debug + 'static {
    async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<IpAddr>>;
}

/// Opens a TCP connection to an address the policy has checked.
#[async_trait]
pub trait Dialer: Send + Sync + Debug + 'static {
    async fn connect(&self, address: SocketAddr) -> io::Result<TcpStream>;
}

/// The operating system's resolver.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemResolver;

#[async_trait]
impl Resolver for SystemResolver {
    async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<IpAddr>> {
        let addresses = tokio::net::lookup_host((host, port)).await?;
        Ok(addresses.map(|address| address.ip()).collect())
    }
}

/// Plain TCP connections.
#[derive(Debug, Default, Clone, Copy)]
pub struct TcpDialer;

#[async_trait]
impl Dialer for TcpDialer {
    async fn connect(&self, address: SocketAddr) -> io::Result<TcpStream> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(stream)
    }
}

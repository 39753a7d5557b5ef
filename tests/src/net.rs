//! A resolver and dialer for the runtime that keep every connection on
//! loopback.
//!
//! Tests give host names any address, public ones included, and check which
//! address the outbound policy chose, while the only sockets opened go to
//! loopback servers that the test started.

use async_trait::async_trait;
use moat_runtime::policy::net::{Dialer, Resolver};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpStream;

/// Test resolver and dialer in one value. Pass the same `Arc` as both
/// `RuntimeConfig::resolver` and `RuntimeConfig::dialer`.
///
/// The resolver returns addresses only for names added with
/// [`LoopbackNet::add_name`] or [`LoopbackNet::add_name_answers`] and never
/// calls the operating system's resolver. The dialer connects to a loopback
/// address as is, to a non-loopback address only through a route added with
/// [`LoopbackNet::route`], and fails for any other address without opening a
/// socket.
#[derive(Debug, Default)]
pub struct LoopbackNet {
    names: Mutex<HashMap<String, Answers>>,
    routes: Mutex<HashMap<SocketAddr, SocketAddr>>,
    resolved: Mutex<Vec<String>>,
    dialed: Mutex<Vec<SocketAddr>>,
}

impl LoopbackNet {
    pub fn new() -> Arc<LoopbackNet> {
        Arc::new(LoopbackNet::default())
    }

    /// Makes `name` resolve to `addresses`, in that order, on every lookup.
    pub fn add_name(&self, name: &str, addresses: &[IpAddr]) {
        self.add_name_answers(name, &[addresses]);
    }

    /// Makes lookup number `n` of `name` (counting from 0) return
    /// `answers[n]`, and every lookup after the last answer repeat the last
    /// one, like a DNS server that changes its records between lookups.
    /// Panics when `answers` is empty.
    pub fn add_name_answers(&self, name: &str, answers: &[&[IpAddr]]) {
        assert!(!answers.is_empty(), "`{name}` needs at least one answer");
        let answers = Answers {
            list: answers.iter().map(|answer| answer.to_vec()).collect(),
            next: 0,
        };
        lock(&self.names).insert(name.to_owned(), answers);
    }

    /// Makes the dialer connect to `loopback` when the runtime requests
    /// `requested`. Panics when `loopback` is not a loopback address, so a
    /// test cannot route traffic off the machine by mistake.
    pub fn route(&self, requested: SocketAddr, loopback: SocketAddr) {
        assert!(
            loopback.ip().to_canonical().is_loopback(),
            "route target {loopback} is not a loopback address"
        );
        lock(&self.routes).insert(requested, loopback);
    }

    /// Returns every name the runtime requested to resolve, in order.
    pub fn resolved_names(&self) -> Vec<String> {
        lock(&self.resolved).clone()
    }

    /// Returns every address the runtime requested a connection to, in
    /// order, before routing.
    pub fn dialed(&self) -> Vec<SocketAddr> {
        lock(&self.dialed).clone()
    }

    fn loopback_target(&self, requested: SocketAddr) -> Option<SocketAddr> {
        if let Some(target) = lock(&self.routes).get(&requested) {
            return Some(*target);
        }
        let ip = requested.ip().to_canonical();
        ip.is_loopback()
            .then(|| SocketAddr::new(ip, requested.port()))
    }
}

#[async_trait]
impl Resolver for LoopbackNet {
    async fn resolve(&self, host: &str, _port: u16) -> io::Result<Vec<IpAddr>> {
        lock(&self.resolved).push(host.to_owned());
        let mut names = lock(&self.names);
        let Some(answers) = names.get_mut(host) else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("the test resolver has no entry for `{host}`; add one with add_name"),
            ));
        };
        let index = answers.next.min(answers.list.len() - 1);
        answers.next += 1;
        Ok(answers.list[index].clone())
    }
}

#[async_trait]
impl Dialer for LoopbackNet {
    async fn connect(&self, address: SocketAddr) -> io::Result<TcpStream> {
        lock(&self.dialed).push(address);
        let Some(target) = self.loopback_target(address) else {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionRefused,
                format!("the test dialer has no loopback route for {address}; add one with route"),
            ));
        };
        TcpStream::connect(target).await
    }
}

/// The answers for one name and the index of the next lookup.
#[derive(Debug)]
struct Answers {
    list: Vec<Vec<IpAddr>>,
    next: usize,
}

/// Locks `mutex`, ignoring poisoning: a panicking test thread must not hide
/// what the runtime recorded.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

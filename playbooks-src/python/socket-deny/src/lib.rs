//! A component that exports every wasi:sockets 0.2.9 interface and opens
//! no socket.
//!
//! componentize-py 0.25 links a wasi-libc that imports wasi:sockets even
//! when the Python code never opens a socket, and Moat rejects any
//! component that imports wasi:sockets. `scripts/build-python.sh` plugs
//! this component into the Python one, so the result imports no
//! wasi:sockets interface and Python's `socket` module gets
//! `access-denied`.
//!
//! Every function that could create a socket or a name lookup returns
//! `access-denied`. The socket and stream resources are uninhabited enums,
//! so their methods cannot be called and need no body.

#![allow(
    unsafe_code,
    reason = "generated WIT bindings lift and lower values through raw pointers"
)]

wit_bindgen::generate!({
    world: "socket-deny",
    path: "wit",
    generate_all,
});

use exports::wasi::sockets::{
    instance_network, ip_name_lookup, network, tcp, tcp_create_socket, udp, udp_create_socket,
};
use network::{ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Network, NetworkBorrow};
use tcp::{Duration, InputStream, OutputStream, Pollable, ShutdownType, TcpSocket};
use udp::{IncomingDatagram, IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream};

/// The exports of this component.
struct Deny;

/// The default network handle. It grants nothing, because every function
/// that takes it returns `access-denied`.
struct DenyNetwork;

/// A socket, stream or lookup that can never be created.
enum Never {}

export!(Deny);

impl network::Guest for Deny {
    type Network = DenyNetwork;
}

impl network::GuestNetwork for DenyNetwork {}

impl instance_network::Guest for Deny {
    fn instance_network() -> Network {
        Network::new(DenyNetwork)
    }
}

impl ip_name_lookup::Guest for Deny {
    type ResolveAddressStream = Never;

    fn resolve_addresses(
        _network: NetworkBorrow<'_>,
        _name: String,
    ) -> Result<ip_name_lookup::ResolveAddressStream, ErrorCode> {
        Err(ErrorCode::AccessDenied)
    }
}

impl ip_name_lookup::GuestResolveAddressStream for Never {
    fn resolve_next_address(&self) -> Result<Option<IpAddress>, ErrorCode> {
        match *self {}
    }

    fn subscribe(&self) -> Pollable {
        match *self {}
    }
}

impl tcp::Guest for Deny {
    type TcpSocket = Never;
}

impl tcp::GuestTcpSocket for Never {
    fn start_bind(
        &self,
        _network: NetworkBorrow<'_>,
        _local_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn finish_bind(&self) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn start_connect(
        &self,
        _network: NetworkBorrow<'_>,
        _remote_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn finish_connect(&self) -> Result<(InputStream, OutputStream), ErrorCode> {
        match *self {}
    }

    fn start_listen(&self) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn finish_listen(&self) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn accept(&self) -> Result<(TcpSocket, InputStream, OutputStream), ErrorCode> {
        match *self {}
    }

    fn local_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        match *self {}
    }

    fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        match *self {}
    }

    fn is_listening(&self) -> bool {
        match *self {}
    }

    fn address_family(&self) -> IpAddressFamily {
        match *self {}
    }

    fn set_listen_backlog_size(&self, _value: u64) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn keep_alive_enabled(&self) -> Result<bool, ErrorCode> {
        match *self {}
    }

    fn set_keep_alive_enabled(&self, _value: bool) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn keep_alive_idle_time(&self) -> Result<Duration, ErrorCode> {
        match *self {}
    }

    fn set_keep_alive_idle_time(&self, _value: Duration) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn keep_alive_interval(&self) -> Result<Duration, ErrorCode> {
        match *self {}
    }

    fn set_keep_alive_interval(&self, _value: Duration) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn keep_alive_count(&self) -> Result<u32, ErrorCode> {
        match *self {}
    }

    fn set_keep_alive_count(&self, _value: u32) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn hop_limit(&self) -> Result<u8, ErrorCode> {
        match *self {}
    }

    fn set_hop_limit(&self, _value: u8) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn set_receive_buffer_size(&self, _value: u64) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn set_send_buffer_size(&self, _value: u64) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn subscribe(&self) -> Pollable {
        match *self {}
    }

    fn shutdown(&self, _shutdown_type: ShutdownType) -> Result<(), ErrorCode> {
        match *self {}
    }
}

impl tcp_create_socket::Guest for Deny {
    fn create_tcp_socket(_address_family: IpAddressFamily) -> Result<TcpSocket, ErrorCode> {
        Err(ErrorCode::AccessDenied)
    }
}

impl udp::Guest for Deny {
    type UdpSocket = Never;
    type IncomingDatagramStream = Never;
    type OutgoingDatagramStream = Never;
}

impl udp::GuestUdpSocket for Never {
    fn start_bind(
        &self,
        _network: NetworkBorrow<'_>,
        _local_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn finish_bind(&self) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn stream(
        &self,
        _remote_address: Option<IpSocketAddress>,
    ) -> Result<(IncomingDatagramStream, OutgoingDatagramStream), ErrorCode> {
        match *self {}
    }

    fn local_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        match *self {}
    }

    fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        match *self {}
    }

    fn address_family(&self) -> IpAddressFamily {
        match *self {}
    }

    fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        match *self {}
    }

    fn set_unicast_hop_limit(&self, _value: u8) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn set_receive_buffer_size(&self, _value: u64) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn set_send_buffer_size(&self, _value: u64) -> Result<(), ErrorCode> {
        match *self {}
    }

    fn subscribe(&self) -> Pollable {
        match *self {}
    }
}

impl udp::GuestIncomingDatagramStream for Never {
    fn receive(&self, _max_results: u64) -> Result<Vec<IncomingDatagram>, ErrorCode> {
        match *self {}
    }

    fn subscribe(&self) -> Pollable {
        match *self {}
    }
}

impl udp::GuestOutgoingDatagramStream for Never {
    fn check_send(&self) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn send(&self, _datagrams: Vec<OutgoingDatagram>) -> Result<u64, ErrorCode> {
        match *self {}
    }

    fn subscribe(&self) -> Pollable {
        match *self {}
    }
}

impl udp_create_socket::Guest for Deny {
    fn create_udp_socket(_address_family: IpAddressFamily) -> Result<udp::UdpSocket, ErrorCode> {
        Err(ErrorCode::AccessDenied)
    }
}

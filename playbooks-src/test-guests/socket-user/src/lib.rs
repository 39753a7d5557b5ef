//! Test guest that opens a raw TCP connection with `std::net`, so the
//! component imports `wasi:sockets/*`. The host must reject it when it is
//! registered, so `run` is never expected to execute.

use moat_sdk::prelude::*;

struct SocketUser;

impl Playbook for SocketUser {
    fn run(_trigger: Trigger) -> Result<RunOutput, Error> {
        match std::net::TcpStream::connect("127.0.0.1:1") {
            Ok(_) => Ok(RunOutput::summary_only("connected")),
            Err(error) => Err(Error::upstream(format!(
                "failed to connect to 127.0.0.1:1: {error}"
            ))),
        }
    }
}

moat_sdk::export_playbook!(SocketUser);

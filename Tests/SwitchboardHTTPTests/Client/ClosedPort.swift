import Foundation

/// A loopback TCP port that is bound but not listening, so a connection to it is refused at once.
///
/// Holding the socket open keeps any other process from taking the port during the test.
struct ClosedPort {
    /// The refused port number.
    let number: Int
    private let descriptor: Int32

    /// Binds a socket to 127.0.0.1 on a port the kernel picks.
    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClosedPortError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw ClosedPortError(step: "bind")
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            Glibc.close(descriptor)
            throw ClosedPortError(step: "getsockname")
        }
        self.descriptor = descriptor
        number = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Releases the port.
    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// A socket call failed while reserving a closed port.
struct ClosedPortError: Error {
    /// The call that failed.
    let step: String
}

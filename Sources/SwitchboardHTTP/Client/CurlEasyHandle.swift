internal import CCurl

/// One libcurl easy handle with the buffers that must outlive a transfer.
///
/// Owned by the transport thread and reused from its spare list: `recycle()`
/// resets the options but keeps the buffers, so a steady stream of requests
/// allocates neither handles nor body buffers.
final class CurlEasyHandle {
    /// The libcurl handle.
    let raw: UnsafeMutableRawPointer
    /// libcurl writes the detailed reason for a failure here (CURLOPT_ERRORBUFFER).
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request body for CURLOPT_POSTFIELDS, which libcurl reads without copying.
    private var bodyBuffer: UnsafeMutableRawPointer
    private var bodyCapacity: Int
    /// A body buffer larger than this is not kept for the next request.
    private static let keptBodyCapacity = 1 << 20

    /// Creates a handle; nil when libcurl cannot.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        bodyCapacity = 4096
        bodyBuffer = .allocate(byteCount: bodyCapacity, alignment: 16)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
        bodyBuffer.deallocate()
    }

    /// Copies `body` into memory that stays valid until the handle is next prepared.
    func retainBody(_ body: [UInt8]) -> UnsafeMutableRawPointer {
        if body.count > bodyCapacity {
            bodyBuffer.deallocate()
            bodyCapacity = body.count
            bodyBuffer = .allocate(byteCount: bodyCapacity, alignment: 16)
        }
        body.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                bodyBuffer.copyMemory(from: base, byteCount: bytes.count)
            }
        }
        return bodyBuffer
    }

    /// The text libcurl left in the error buffer, if any.
    var errorText: String? {
        guard errorBuffer.pointee != 0 else { return nil }
        return String(cString: errorBuffer)
    }

    /// Clears every option so the handle can carry another request; keeps its buffers.
    func recycle() {
        curl_easy_reset(raw)
        errorBuffer.pointee = 0
        if bodyCapacity > Self.keptBodyCapacity {
            bodyBuffer.deallocate()
            bodyCapacity = 4096
            bodyBuffer = .allocate(byteCount: bodyCapacity, alignment: 16)
        }
    }
}

import Glibc

/// A `posix_spawnattr_t` at a stable address that resets the child's signals: an empty signal mask and every
/// handler back to its default, so neither a blocked nor an ignored signal (SIGPIPE, say) of ours leaks into it.
final class SpawnAttributes {
    let pointer = UnsafeMutablePointer<posix_spawnattr_t>.allocate(capacity: 1)
    private var initialized = false

    init() throws {
        let result = posix_spawnattr_init(pointer)
        guard result == 0 else { throw SpawnError(call: "posix_spawnattr_init", code: result) }
        initialized = true
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        try check(posix_spawnattr_setsigmask(pointer, &none), "posix_spawnattr_setsigmask")
        try check(posix_spawnattr_setsigdefault(pointer, &all), "posix_spawnattr_setsigdefault")
        try check(posix_spawnattr_setflags(pointer, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "posix_spawnattr_setflags")
    }

    deinit {
        if initialized { posix_spawnattr_destroy(pointer) }
        pointer.deallocate()
    }

    private func check(_ result: Int32, _ call: String) throws {
        guard result == 0 else { throw SpawnError(call: call, code: result) }
    }
}

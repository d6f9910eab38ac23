import Glibc

/// A `posix_spawn_file_actions_t` at a stable address, destroyed with its owner: what the child does to its file
/// descriptors between fork and exec, in order.
final class SpawnFileActions {
    let pointer = UnsafeMutablePointer<posix_spawn_file_actions_t>.allocate(capacity: 1)
    private var initialized = false

    init() throws {
        let result = posix_spawn_file_actions_init(pointer)
        // Thrown after every stored property is set, so deinit still frees the memory.
        guard result == 0 else { throw SpawnError(call: "posix_spawn_file_actions_init", code: result) }
        initialized = true
    }

    deinit {
        if initialized { posix_spawn_file_actions_destroy(pointer) }
        pointer.deallocate()
    }

    /// The child's `target` becomes a copy of `source` (without close-on-exec).
    func duplicate(_ source: Int32, to target: Int32) throws {
        try check(posix_spawn_file_actions_adddup2(pointer, source, target), "posix_spawn_file_actions_adddup2")
    }

    /// The child opens `path` as `target`.
    func open(_ path: String, as target: Int32, flags: Int32) throws {
        try check(posix_spawn_file_actions_addopen(pointer, target, path, flags, 0), "posix_spawn_file_actions_addopen")
    }

    /// The child closes every descriptor from `lowest` up, whether or not it is close-on-exec.
    func closeAll(from lowest: Int32) throws {
        try check(GNUExtensions.addCloseFrom(pointer, lowest), "posix_spawn_file_actions_addclosefrom_np")
    }

    /// The child changes its working directory to `path`.
    func changeDirectory(to path: String) throws {
        try check(GNUExtensions.addChangeDirectory(pointer, path), "posix_spawn_file_actions_addchdir_np")
    }

    private func check(_ result: Int32, _ call: String) throws {
        guard result == 0 else { throw SpawnError(call: call, code: result) }
    }
}

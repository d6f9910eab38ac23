import Glibc

/// The glibc functions Swift's Glibc module leaves out: they are declared only under `_GNU_SOURCE`, which it does not
/// define, so each is looked up by name at run time.
enum GNUExtensions {
    /// `pipe2` (glibc 2.9): a pipe whose two ends are created with `flags` (`O_CLOEXEC`) already set, with no window
    /// in which another thread's child could inherit them.
    static func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) throws -> Int32 {
        typealias Function = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        let function: Function = try lookUp("pipe2", since: "2.9")
        return function(descriptors, flags)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the child closes every descriptor from `lowest` up.
    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) throws -> Int32 {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        let function: Function = try lookUp("posix_spawn_file_actions_addclosefrom_np", since: "2.34")
        return function(actions, lowest)
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29): the child changes its working directory to `path`.
    static func addChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) throws -> Int32 {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        let function: Function = try lookUp("posix_spawn_file_actions_addchdir_np", since: "2.29")
        return path.withCString { function(actions, $0) }
    }

    private static func lookUp<Function>(_ name: String, since version: String) throws -> Function {
        guard let symbol = dlsym(nil, name) else {
            throw SpawnError(call: name, message: "not in this C library (glibc \(version) or later has it)")
        }
        return unsafeBitCast(symbol, to: Function.self)
    }
}

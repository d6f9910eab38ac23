import Glibc

/// A NULL-terminated array of C strings (an `argv` or `envp`), freed with its owner.
final class CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) throws {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count + 1)
        for string in strings {
            guard let copy = strdup(string) else {
                let failure = SpawnError.errno("strdup")
                pointers.forEach { free($0) }
                throw failure
            }
            pointers.append(copy)
        }
        pointers.append(nil)
        self.pointers = pointers
    }

    deinit {
        pointers.forEach { free($0) }
    }
}

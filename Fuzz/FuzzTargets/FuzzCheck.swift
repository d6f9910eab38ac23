import SwitchboardCore

/// The properties a target checks: a broken one stops the process, so libFuzzer keeps the input as a crash.
enum FuzzCheck {
    /// Traps with `message` when `condition` is false.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        if !condition {
            fatalError("fuzz property broken: \(message())", file: file, line: line)
        }
    }

    /// Checks what every external event id must be: non-empty, at most `EventIDSelector.maxIDBytes`, no controls.
    static func requireValidID(_ id: String, _ place: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
        require(!id.isEmpty, "\(place()): empty external event id", file: file, line: line)
        require(id.utf8.count <= EventIDSelector.maxIDBytes, "\(place()): external event id of \(id.utf8.count) bytes", file: file, line: line)
        require(!id.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(place()): control character in id", file: file, line: line)
    }
}

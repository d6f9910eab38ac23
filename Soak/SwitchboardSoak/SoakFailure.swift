/// A soak that could not be set up or run as planned (not a finding about delivery: those are in the report).
struct SoakFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

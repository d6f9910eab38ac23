/// Why a call into a plugin, or loading its module, failed. `cause` is the label of
/// `switchboard_plugin_errors_total{integration,cause}`.
enum WasmPluginFailure: Error, Equatable, CustomStringConvertible {
    /// The call used up its fuel (`options.fuel`).
    case fuel
    /// The module trapped (unreachable, out-of-bounds access, stack exhausted, division by zero…).
    case trap(String)
    /// The output is not the JSON the ABI describes.
    case output(String)
    /// A pointer or length the module handed back lies outside its memory.
    case memory(String)
    /// `sb_init` refused the configuration, or instantiating the module failed.
    case initialization(String)
    /// The module file is missing, unreadable or breaks the ABI (imports, exports, memory size).
    case module(String)

    /// The metric label.
    var cause: String {
        switch self {
        case .fuel: "fuel"
        case .trap: "trap"
        case .output: "output"
        case .memory: "memory"
        case .initialization, .module: "init"
        }
    }

    var description: String {
        switch self {
        case .fuel: "fuel: the call ran out of fuel (options.fuel)"
        case .trap(let detail): "trap: \(detail)"
        case .output(let detail): "output: \(detail)"
        case .memory(let detail): "memory: \(detail)"
        case .initialization(let detail): "init: \(detail)"
        case .module(let detail): detail
        }
    }
}

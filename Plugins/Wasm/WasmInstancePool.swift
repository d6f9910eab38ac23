import Foundation

/// The instances of one integration's module (`options.instances` of them), handed to one caller at a time, and the
/// swap to a changed module file: checked at most once a second when a call comes in, loaded and initialised in
/// full before it replaces the old one, between events. A module that fails to load leaves the old one running.
final class WasmInstancePool: @unchecked Sendable {
    /// What became of a changed module file.
    enum Reload {
        case applied(WasmModuleImage)
        case rejected(path: String, failure: WasmPluginFailure)
    }

    /// How often the module file is looked at.
    static let checkInterval: Duration = .seconds(1)

    private let condition = NSCondition()
    private let capacity: Int
    private let load: @Sendable () throws(WasmPluginFailure) -> WasmModuleImage
    private let instantiate: @Sendable (WasmModuleImage) throws(WasmPluginFailure) -> WasmSandbox
    private let onReload: @Sendable (Reload) -> Void
    // Guarded by `condition`.
    private var image: WasmModuleImage
    private var generation = 0
    private var free: [WasmSandbox] = []
    private var live = 0
    private var lastCheck: ContinuousClock.Instant
    private var refusedStamp: WasmFileStamp?
    private var checking = false

    /// Loads the module with `load`, and makes every instance at once so a bad module or `sb_init` refusal is an
    /// error now (the same checks `validate` runs).
    init(
        capacity: Int,
        load: @escaping @Sendable () throws(WasmPluginFailure) -> WasmModuleImage,
        instantiate: @escaping @Sendable (WasmModuleImage) throws(WasmPluginFailure) -> WasmSandbox,
        onReload: @escaping @Sendable (Reload) -> Void
    ) throws(WasmPluginFailure) {
        self.capacity = capacity
        self.load = load
        self.instantiate = instantiate
        self.onReload = onReload
        let image = try load()
        self.image = image
        self.free = try (0..<capacity).map { _ throws(WasmPluginFailure) in try instantiate(image) }
        self.live = capacity
        self.lastCheck = .now
    }

    /// Runs `body` on a free instance, waiting for one when all are busy. An instance whose call failed is thrown
    /// away and a fresh one made for the next caller.
    func withSandbox<T>(_ body: (WasmSandbox) throws(WasmPluginFailure) -> T) throws(WasmPluginFailure) -> T {
        reloadIfChanged()
        let (sandbox, leased) = try checkOut()
        do {
            let result = try body(sandbox)
            checkIn(sandbox, generation: leased, healthy: true)
            return result
        } catch {
            checkIn(sandbox, generation: leased, healthy: false)
            throw error
        }
    }

    private func checkOut() throws(WasmPluginFailure) -> (WasmSandbox, Int) {
        condition.lock()
        while free.isEmpty, live >= capacity {
            condition.wait()
        }
        let leased = generation
        if let sandbox = free.popLast() {
            condition.unlock()
            return (sandbox, leased)
        }
        live += 1
        let image = self.image
        condition.unlock()
        do {
            return (try instantiate(image), leased)
        } catch {
            condition.withLock {
                if generation == leased { live -= 1 }
                condition.signal()
            }
            throw error
        }
    }

    private func checkIn(_ sandbox: WasmSandbox, generation leased: Int, healthy: Bool) {
        condition.withLock {
            guard leased == generation else { return }
            if healthy {
                free.append(sandbox)
            } else {
                live -= 1
            }
            condition.signal()
        }
    }

    /// Looks at the module file (at most once per `checkInterval`); a changed file is loaded and, when every
    /// instance of it initialises, replaces the module in force.
    private func reloadIfChanged() {
        let due: (WasmModuleImage, WasmFileStamp)? = condition.withLock {
            guard !checking, ContinuousClock.now - lastCheck >= Self.checkInterval else { return nil }
            lastCheck = .now
            let stamp = WasmFileStamp.of(image.path)
            guard stamp != image.stamp, stamp != refusedStamp else { return nil }
            checking = true
            return (image, stamp)
        }
        guard let (old, stamp) = due else { return }
        do {
            let next = try load()
            let sandboxes = try (0..<capacity).map { _ throws(WasmPluginFailure) in try instantiate(next) }
            condition.withLock {
                image = next
                generation += 1
                free = sandboxes
                live = sandboxes.count
                refusedStamp = nil
                checking = false
                condition.broadcast()
            }
            onReload(.applied(next))
        } catch {
            condition.withLock {
                refusedStamp = stamp
                checking = false
            }
            onReload(.rejected(path: old.path, failure: error))
        }
    }
}

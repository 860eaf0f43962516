import Foundation
import Synchronization

/// Results written by index from several threads; each index is written exactly once.
private final class ResultSlots<Result>: @unchecked Sendable {
    var slots: [Result?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
}

extension Array where Element: Sendable {
    /// `parallelMap` where each worker thread first makes a context (a reader with its own
    /// repository handle, say) that it then uses for every element it takes. Workers take small
    /// batches from a shared counter, so uneven elements (long postmortems, short lessons) still
    /// keep every core busy, and each thread makes exactly one context.
    /// Elements are taken `batch` at a time (16 suits many small elements; 1 suits a few large ones).
    package func parallelMap<Context, Result: Sendable>(batch: Int = 16, context makeContext: @Sendable () -> Context,
                                                _ transform: @Sendable (inout Context, Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if cores <= 1 || count <= batch {
            var context = makeContext()
            return map { transform(&context, $0) }
        }
        let slots = ResultSlots<Result>(count: count)
        let next = Atomic<Int>(0)
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            slots.slots.withUnsafeMutableBufferPointer { output in
                nonisolated(unsafe) let output = output
                DispatchQueue.concurrentPerform(iterations: cores) { _ in
                    var context = makeContext()
                    while true {
                        let start = next.wrappingAdd(batch, ordering: .relaxed).oldValue
                        guard start < input.count else { return }
                        for index in start..<Swift.min(start + batch, input.count) {
                            output[index] = transform(&context, input[index])
                        }
                    }
                }
            }
        }
        return slots.slots.map { $0! }
    }

    /// `map` on every core, keeping the order of the input. Worth it only when `transform` is
    /// much more expensive than a thread hand-off (parsing a file, not adding numbers).
    package func parallelMap<Result: Sendable>(batch: Int = 16, _ transform: @Sendable (Element) -> Result) -> [Result] {
        parallelMap(batch: batch, context: { () }) { _, element in transform(element) }
    }
}

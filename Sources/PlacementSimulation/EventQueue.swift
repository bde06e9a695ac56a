/// A priority queue on a binary heap: the simulation's pending events, earliest first.
///
/// `push` and `pop` take O(log n). Elements that compare equal come out in no promised order,
/// so the simulation makes every event unique with a sequence number.
public struct EventQueue<Element: Comparable>: Sendable where Element: Sendable {
  private var heap: [Element] = []

  /// An empty queue.
  public init() {}

  /// Events waiting.
  public var count: Int { heap.count }

  /// Whether no event waits.
  public var isEmpty: Bool { heap.isEmpty }

  /// The smallest element, without removing it.
  public var first: Element? { heap.first }

  /// Adds `element`.
  public mutating func push(_ element: Element) {
    heap.append(element)
    var child = heap.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard heap[child] < heap[parent] else { break }
      heap.swapAt(child, parent)
      child = parent
    }
  }

  /// Removes and returns the smallest element, or nil when the queue is empty.
  public mutating func pop() -> Element? {
    guard let last = heap.popLast() else { return nil }
    guard !heap.isEmpty else { return last }
    let top = heap[0]
    heap[0] = last
    var parent = 0
    let count = heap.count
    while true {
      let left = 2 * parent + 1
      guard left < count else { break }
      let right = left + 1
      let smaller = right < count && heap[right] < heap[left] ? right : left
      guard heap[smaller] < heap[parent] else { break }
      heap.swapAt(smaller, parent)
      parent = smaller
    }
    return top
  }
}

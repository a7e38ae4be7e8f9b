/// A position in canvas units (PDF points, 1/72 inch), origin top-left, y growing downwards,
/// so layouts read like the paper they imitate.
public struct Point: Equatable, Sendable {
    /// Distance from the left edge.
    public var x: Double
    /// Distance from the top edge.
    public var y: Double

    /// Creates a point from its two coordinates.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A width and height in canvas units; used for page sizes and measured text.
public struct Size: Equatable, Sendable {
    /// Horizontal extent.
    public var width: Double
    /// Vertical extent.
    public var height: Double

    /// Creates a size from its two extents.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// ISO 216 A4 portrait in points, the paper every registry certificate here is printed on.
    public static let a4 = Size(width: 595.28, height: 841.89)
    /// US Letter portrait in points, for documents laid out for North American paper.
    public static let letter = Size(width: 612, height: 792)
}

/// An axis-aligned rectangle in canvas units, used for boxes, table cells and image placement.
public struct Rect: Equatable, Sendable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Horizontal extent.
    public var width: Double
    /// Vertical extent.
    public var height: Double

    /// Creates a rectangle from its top-left corner and extents.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The right edge, handy when laying out columns.
    public var maxX: Double { x + width }
    /// The bottom edge, handy when stacking boxes.
    public var maxY: Double { y + height }
    /// The centre, handy for centring seals and captions.
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// The same rectangle shrunk by `amount` on every side, for padding inside boxes.
    public func inset(by amount: Double) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}

import CPoppler

/// The box of each character of a page's text, as poppler laid it out: read once per page and
/// shared by the layout checks and by ``CharacterBoxes/separatingColumns(_:)``. poppler builds
/// the boxes from the text page that extracting the text already made, so reading them costs a
/// copy, not another pass over the content stream. Used under ``PopplerReader/lock`` only.
struct CharacterBoxes: ~Copyable {
    /// The page text's Unicode scalars; the layout has one box per scalar.
    let scalars: [Unicode.Scalar]
    private let rectangles: UnsafeMutablePointer<PopplerRectangle>?
    /// One box per scalar (fewer if poppler gave fewer: the rest have none).
    let boxes: UnsafeBufferPointer<PopplerRectangle>

    init(page: OpaquePointer, text: String) {
        scalars = Array(text.unicodeScalars)
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        if poppler_page_get_text_layout(page, &rectangles, &count) == 0 { rectangles = nil; count = 0 }
        self.rectangles = rectangles
        boxes = UnsafeBufferPointer(start: rectangles, count: rectangles == nil ? 0 : min(Int(count), scalars.count))
    }

    deinit { if let rectangles { g_free(rectangles) } }

    /// The text with a tab where poppler glued two runs drawn apart on one line.
    ///
    /// poppler joins the cells of a table row without a space when they are separate text
    /// objects: "Dénomination ou raison socialeSOCIÉTÉ DES RÉSEAUX", "統一社会信用代码9131…". A
    /// reviewer reading the extracted text, and the evidence search, need the label and the value
    /// apart. Between two characters, neither of them white space, whose boxes are further apart
    /// than `gapInHeights` of the glyph height (kerning and letter spacing stay far below it):
    /// a tab when they sit on one line (in either direction, so right-to-left text is treated
    /// alike) or the second is to the right on another line (a value beside a wrapped label); a
    /// line break when the second is back to the left on another line. Vertical text, whose
    /// characters are stacked, gets nothing. Nothing is inserted when poppler gave no boxes or
    /// fewer than characters.
    func separatingColumns(gapInHeights: Double = 0.6) -> String {
        guard boxes.count == scalars.count, boxes.count > 1 else { return String(String.UnicodeScalarView(scalars)) }
        var output = String.UnicodeScalarView()
        output.reserveCapacity(scalars.count + 16)
        output.append(scalars[0])
        for i in 1..<scalars.count {
            let before = scalars[i - 1], scalar = scalars[i]
            if !isWhiteSpaceScalar(before), !isWhiteSpaceScalar(scalar) {
                let a = boxes[i - 1], b = boxes[i]
                let aTop = min(a.y1, a.y2), aBottom = max(a.y1, a.y2), bTop = min(b.y1, b.y2), bBottom = max(b.y1, b.y2)
                let height = max(aBottom - aTop, bBottom - bTop, 0.1)
                let sameLine = abs((aTop + aBottom) / 2 - (bTop + bBottom) / 2) < height / 2
                let forward = min(b.x1, b.x2) - max(a.x1, a.x2), backward = min(a.x1, a.x2) - max(b.x1, b.x2)
                if sameLine, max(forward, backward) > gapInHeights * height {
                    output.append("\t")
                } else if !sameLine, forward > gapInHeights * height {
                    // The next cell of a row whose label wraps: its value starts beside the
                    // label's first or last line.
                    output.append("\t")
                } else if !sameLine, backward > gapInHeights * height {
                    output.append("\n")
                }
            }
            output.append(scalar)
        }
        return String(output)
    }
}

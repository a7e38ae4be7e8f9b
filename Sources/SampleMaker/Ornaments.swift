import Foundation
import Drawing

/// Shared pieces of official-looking paper: guilloche borders, rosettes, seals with lettering
/// around the rim, crests, signatures, barcodes, and label/value rows.
enum Ornaments {
    /// A guilloche band: interlaced sine waves running around `rect`, as on certificates and
    /// banknotes, between a thin outer and inner rule.
    static func guillocheBorder(on canvas: Canvas, rect: Rect, band: Double, color: Color, waves: Int = 3) {
        canvas.rectangle(rect, stroke: Stroke(color: color, width: 1.2))
        canvas.rectangle(rect.inset(by: band), stroke: Stroke(color: color, width: 0.6))
        let middle = rect.inset(by: band / 2)
        let amplitude = band / 2 - 1.5
        let perimeter = 2 * (middle.width + middle.height)
        let period = 16.0
        let steps = Int(perimeter / 2.7)
        for wave in 0..<waves {
            let phase = Double(wave) * 2 * .pi / Double(waves)
            var points: [Point] = []
            points.reserveCapacity(steps + 1)
            for step in 0...steps {
                let s = perimeter * Double(step) / Double(steps)
                let (base, normal) = pointOnRectangle(middle, at: s)
                let offset = amplitude * sin(2 * .pi * s / period + phase)
                points.append(Point(x: base.x + normal.x * offset, y: base.y + normal.y * offset))
            }
            canvas.polygon(points, closed: true, stroke: Stroke(color: color.withAlpha(0.75), width: 0.35))
        }
    }

    /// The point at arc length `s` along the rectangle's outline (clockwise from top-left) and
    /// the outward normal there.
    private static func pointOnRectangle(_ rect: Rect, at s: Double) -> (Point, Point) {
        var distance = s
        if distance < rect.width { return (Point(x: rect.x + distance, y: rect.y), Point(x: 0, y: -1)) }
        distance -= rect.width
        if distance < rect.height { return (Point(x: rect.maxX, y: rect.y + distance), Point(x: 1, y: 0)) }
        distance -= rect.height
        if distance < rect.width { return (Point(x: rect.maxX - distance, y: rect.maxY), Point(x: 0, y: 1)) }
        distance -= rect.width
        return (Point(x: rect.x, y: rect.maxY - min(distance, rect.height)), Point(x: -1, y: 0))
    }

    /// A rosette of overlapping loops (`depth` is how far the lobes dip towards the centre), the security pattern behind seals and
    /// in the corners of extracts.
    static func rosette(on canvas: Canvas, center: Point, radius: Double, lobes: Int, loops: Int, color: Color, width: Double = 0.3, depth: Double = 0.28) {
        for loop in 0..<loops {
            let phase = Double(loop) * 2 * .pi / Double(loops * lobes)
            var points: [Point] = []
            let steps = max(90, min(240, Int(radius * 4)))
            for step in 0..<steps {
                let t = 2 * Double.pi * Double(step) / Double(steps)
                let r = radius * (1 - depth + depth * cos(Double(lobes) * t))
                points.append(Point(x: center.x + r * cos(t + phase), y: center.y + r * sin(t + phase)))
            }
            canvas.polygon(points, closed: true, stroke: Stroke(color: color, width: width))
        }
    }

    /// Draws `text` around the top (reading left to right, clockwise) or bottom (reading left to
    /// right, upright) of a circle: the lettering of a seal.
    static func arcText(
        on canvas: Canvas, _ text: String, center: Point, radius: Double, bottom: Bool,
        font: String = FontFamily.serif, size: Double, weight: FontWeight = .bold, color: Color
    ) {
        let characters = text.map(String.init)
        let widths = characters.map { canvas.measureText($0, font: font, size: size, weight: weight).width }
        let height = canvas.measureText("M", font: font, size: size, weight: weight).height
        let textRadius = bottom ? radius - height * 0.2 : radius - height * 0.8
        let span = widths.reduce(0, +) / textRadius
        var angle = bottom ? Double.pi + span / 2 : -span / 2
        for (character, width) in zip(characters, widths) {
            let step = width / textRadius
            let middle = bottom ? angle - step / 2 : angle + step / 2
            canvas.withTransform(translateX: center.x, translateY: center.y, rotationDegrees: (bottom ? middle - .pi : middle) * 180 / .pi) {
                let y = bottom ? radius - height : -radius
                canvas.text(character, at: Point(x: 0, y: y), font: font, size: size, weight: weight, color: color, alignment: .center)
            }
            angle += bottom ? -step : step
        }
    }

    /// A round official seal: double ring, rim lettering, a rosette and a star or a word inside.
    static func seal(
        on canvas: Canvas, center: Point, radius: Double, top: String, bottom: String,
        middle: String? = nil, color: Color, font: String = FontFamily.serif
    ) {
        canvas.circle(center: center, radius: radius, stroke: Stroke(color: color, width: 1.6))
        canvas.circle(center: center, radius: radius - 2.5, stroke: Stroke(color: color, width: 0.5))
        canvas.circle(center: center, radius: radius * 0.62, stroke: Stroke(color: color, width: 0.8))
        let letterSize = radius * 0.15
        arcText(on: canvas, top, center: center, radius: radius - 4, bottom: false, font: font, size: letterSize, color: color)
        arcText(on: canvas, bottom, center: center, radius: radius - 4, bottom: true, font: font, size: letterSize, color: color)
        for side in [-1.0, 1.0] {
            star(on: canvas, center: Point(x: center.x + side * (radius * 0.81), y: center.y), radius: letterSize * 0.45, fill: color)
        }
        rosette(on: canvas, center: center, radius: radius * 0.58, lobes: 9, loops: 4, color: color.withAlpha(0.6), width: 0.3)
        if let middle {
            canvas.text(middle, at: Point(x: center.x, y: center.y - radius * 0.12), font: font, size: radius * 0.18, weight: .bold, color: color, alignment: .center)
        } else {
            star(on: canvas, center: center, radius: radius * 0.2, fill: color)
        }
    }

    /// A five-pointed star.
    static func star(on canvas: Canvas, center: Point, radius: Double, fill: Color) {
        var points: [Point] = []
        for index in 0..<10 {
            let r = index.isMultiple(of: 2) ? radius : radius * 0.4
            let angle = -Double.pi / 2 + Double(index) * .pi / 5
            points.append(Point(x: center.x + r * cos(angle), y: center.y + r * sin(angle)))
        }
        canvas.polygon(points, fill: fill)
    }

    /// A heraldic-looking crest: a crown over a quartered shield flanked by laurel sprigs.
    /// Fictional on purpose: it suggests an emblem without copying any real one.
    static func crest(on canvas: Canvas, center: Point, scale: Double, color: Color) {
        let ink = Stroke(color: color, width: 0.9 * scale)
        let top = center.y - 22 * scale
        let shield = [
            Point(x: center.x - 18 * scale, y: top), Point(x: center.x + 18 * scale, y: top),
            Point(x: center.x + 18 * scale, y: top + 20 * scale), Point(x: center.x + 12 * scale, y: top + 34 * scale),
            Point(x: center.x, y: top + 42 * scale), Point(x: center.x - 12 * scale, y: top + 34 * scale),
            Point(x: center.x - 18 * scale, y: top + 20 * scale),
        ]
        canvas.polygon(shield, stroke: Stroke(color: color, width: 1.4 * scale), fill: color.withAlpha(0.08))
        canvas.line(from: Point(x: center.x, y: top), to: Point(x: center.x, y: top + 42 * scale), stroke: ink)
        canvas.line(from: Point(x: center.x - 18 * scale, y: top + 17 * scale), to: Point(x: center.x + 18 * scale, y: top + 17 * scale), stroke: ink)
        // Charges: a lion-ish star, a tower, chevrons, a wavy sea.
        star(on: canvas, center: Point(x: center.x - 9 * scale, y: top + 8.5 * scale), radius: 5.5 * scale, fill: color)
        canvas.rectangle(Rect(x: center.x + 5.5 * scale, y: top + 5 * scale, width: 7 * scale, height: 9 * scale), fill: color)
        for index in 0..<3 {
            let x = center.x + (5.5 + Double(index) * 2.5) * scale
            canvas.rectangle(Rect(x: x, y: top + 3 * scale, width: 1.5 * scale, height: 2 * scale), fill: color)
        }
        for index in 0..<2 {
            let y = top + (24 + Double(index) * 5) * scale
            canvas.polygon([Point(x: center.x - 15 * scale, y: y + 4 * scale), Point(x: center.x - 8.5 * scale, y: y), Point(x: center.x - 2 * scale, y: y + 4 * scale)], closed: false, stroke: ink)
        }
        var sea: [Point] = []
        for step in 0...24 {
            let x = center.x + 2 * scale + Double(step) * 0.55 * scale
            sea.append(Point(x: x, y: top + 25 * scale + 1.5 * scale * sin(Double(step) * 0.8)))
        }
        canvas.polygon(sea, closed: false, stroke: ink)
        canvas.polygon(sea.map { Point(x: $0.x, y: $0.y + 5 * scale) }, closed: false, stroke: ink)
        // Crown.
        let crownBase = top - 4 * scale
        canvas.polygon([
            Point(x: center.x - 13 * scale, y: crownBase), Point(x: center.x - 15 * scale, y: crownBase - 11 * scale),
            Point(x: center.x - 7 * scale, y: crownBase - 5 * scale), Point(x: center.x, y: crownBase - 14 * scale),
            Point(x: center.x + 7 * scale, y: crownBase - 5 * scale), Point(x: center.x + 15 * scale, y: crownBase - 11 * scale),
            Point(x: center.x + 13 * scale, y: crownBase),
        ], stroke: Stroke(color: color, width: 0.9 * scale), fill: color.withAlpha(0.85))
        for x in [-15.0, 0, 15] {
            canvas.circle(center: Point(x: center.x + x * scale, y: crownBase - (x == 0 ? 15.5 : 12.5) * scale), radius: 1.6 * scale, fill: color)
        }
        // Laurels.
        for side in [-1.0, 1.0] {
            var stem: [Point] = []
            for step in 0...12 {
                let t = Double(step) / 12
                let angle = Double.pi * (0.15 + 0.6 * t)
                stem.append(Point(x: center.x + side * 27 * scale * sin(angle), y: center.y + 10 * scale - 30 * scale * cos(angle) * 0.9))
            }
            canvas.polygon(stem, closed: false, stroke: ink)
            for (index, point) in stem.enumerated() where index % 2 == 1 {
                let leaf = Rect(x: point.x - 2.2 * scale, y: point.y - 1.1 * scale, width: 4.4 * scale, height: 2.2 * scale)
                canvas.withTransform(translateX: leaf.center.x, translateY: leaf.center.y, rotationDegrees: side * (35 + Double(index) * 6)) {
                    canvas.rectangle(Rect(x: -leaf.width / 2 - 2 * scale * side, y: -leaf.height / 2, width: leaf.width, height: leaf.height), cornerRadius: 1.1 * scale, fill: color.withAlpha(0.9))
                }
            }
        }
    }

    /// A handwritten-looking signature: a slanted prolate cycloid (the loops of cursive writing)
    /// with seeded loop heights, then an underline flourish, so each signatory gets their own.
    static func signature(on canvas: Canvas, origin: Point, width: Double, seed: UInt64, color: Color = Color(hex: 0x1B2A6B)) {
        var random = SeededGenerator(seed: seed)
        let loops = 6 + random.below(3)
        let rollRadius = width * 0.8 / (Double(loops) * 2 * .pi)
        let slant = random.unit(0.15...0.55)
        let tallness = random.unit(1.2...2.0)
        var heights: [Double] = []
        for index in 0...loops { heights.append(index == 0 ? 2.3 : random.unit(0.5...1.7)) }
        var points: [Point] = []
        let steps = loops * 24
        for step in 0...steps {
            let t = 2 * Double.pi * Double(loops) * Double(step) / Double(steps)
            let loop = min(Int(t / (2 * .pi)), loops)
            let fraction = t / (2 * .pi) - Double(loop)
            let height = heights[loop] * (1 - fraction) + heights[min(loop + 1, loops)] * fraction
            let d = rollRadius * 2.2 * height
            let x = rollRadius * t - d * sin(t)
            let y = -d * (1 - cos(t)) * tallness
            points.append(Point(x: origin.x + x - y * slant, y: origin.y + y))
        }
        canvas.polygon(points, closed: false, stroke: Stroke(color: color, width: 1.1))
        // Underline flourish, swept back from the end.
        let end = points.last ?? origin
        canvas.curve([
            end,
            Point(x: end.x + 18, y: end.y + 8), Point(x: origin.x + width * 0.5, y: origin.y + 14), Point(x: origin.x - 6, y: origin.y + 7),
        ], stroke: Stroke(color: color, width: 0.9))
    }

    /// Bars in a Code-39-like rhythm derived from `value`; it only has to look machine-readable.
    static func barcode(on canvas: Canvas, value: String, rect: Rect) {
        var modules: [Bool] = []
        for byte in value.utf8 {
            var bits = UInt16(byte) &* 0x9E37 ^ 0x5A5A
            for _ in 0..<9 {
                modules.append(bits & 1 == 1)
                bits >>= 1
            }
            modules.append(false)
        }
        let moduleWidth = rect.width / Double(modules.count)
        for (index, isBar) in modules.enumerated() where isBar {
            canvas.rectangle(Rect(x: rect.x + Double(index) * moduleWidth, y: rect.y, width: moduleWidth, height: rect.height), fill: .black)
        }
    }

    /// A "Label: value" row with the value wrapping in its own column; returns the row height.
    @discardableResult
    static func field(
        on canvas: Canvas, label: String, value: String, x: Double, y: Double, labelWidth: Double, valueWidth: Double,
        font: String = FontFamily.sans, size: Double = 9.5, labelWeight: FontWeight = .regular, valueWeight: FontWeight = .bold,
        color: Color = .black
    ) -> Double {
        let labelHeight = canvas.text(label, at: Point(x: x, y: y), width: labelWidth, font: font, size: size, weight: labelWeight, color: color).height
        let valueHeight = canvas.text(value, at: Point(x: x + labelWidth, y: y), width: valueWidth, font: font, size: size, weight: valueWeight, color: color).height
        return max(labelHeight, valueHeight)
    }
}

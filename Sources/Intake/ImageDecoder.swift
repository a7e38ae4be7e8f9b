import CCairo
import CTurboJPEG

/// Decodes PNG and JPEG uploads into a bounded picture, so a reviewer sees a re-encoded
/// copy and never the original bytes.
///
/// PNG goes through cairo (libpng); JPEG through TurboJPEG, which decodes straight into a
/// cairo surface at a reduced DCT scale when the photo is larger than a preview, and
/// returns errors instead of jumping out of the decoder.
enum ImageDecoder {
    /// A decoded picture and whether the decoder had to recover from damage.
    struct Decoded {
        var picture: RasterSurface
        var hadWarnings: Bool
    }

    enum Failure: Error {
        case undecodable(String)
    }

    /// Decodes a PNG fully (after its header passed the pixel limit).
    static func decodePNG(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Decoded {
        guard let surface = RasterSurface(png: bytes) else {
            throw .undecodable("the PNG image data is damaged")
        }
        return Decoded(picture: surface, hadWarnings: false)
    }

    /// Decodes a JPEG whose frame header said `width`×`height`, at the smallest DCT scale that
    /// still covers `targetSide` pixels on its longest side.
    static func decodeJPEG(_ bytes: UnsafeRawBufferPointer, width: Int, height: Int, isCMYK: Bool, targetSide: Int) throws(Failure) -> Decoded {
        guard let handle = tjInitDecompress() else { throw .undecodable("the JPEG decoder could not start") }
        defer { tjDestroy(handle) }
        let source = bytes.bindMemory(to: UInt8.self)
        guard let base = source.baseAddress else { throw .undecodable("the JPEG is empty") }

        var (w, h) = (width, height)
        var factorCount: Int32 = 0
        if let factors = tjGetScalingFactors(&factorCount) {
            // Pick the smallest output that still covers the preview size.
            var best = (w, h)
            for k in 0..<Int(factorCount) {
                let f = factors[k]
                let sw = (width * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
                let sh = (height * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
                if max(sw, sh) >= min(targetSide, max(width, height)), sw * sh < best.0 * best.1 {
                    best = (sw, sh)
                }
            }
            (w, h) = best
        }
        guard let surface = RasterSurface(width: w, height: h) else { throw .undecodable("the JPEG frame size is invalid") }
        cairo_surface_flush(surface.surface)
        let stride = Int(cairo_image_surface_get_stride(surface.surface))
        guard let destination = cairo_image_surface_get_data(surface.surface) else { throw .undecodable("no memory for the JPEG frame") }
        let flags = Int32(TJFLAG_LIMITSCANS)
        var status: Int32
        if isCMYK {
            // TurboJPEG decodes CMYK and YCCK only to CMYK; convert to RGB ourselves.
            var cmyk = [UInt8](repeating: 0, count: w * h * 4)
            status = tjDecompress2(handle, base, UInt(source.count), &cmyk, Int32(w), Int32(w * 4), Int32(h), Int32(TJPF_CMYK.rawValue), flags)
            if status == 0 || tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
                for y in 0..<h {
                    let row = UnsafeMutableRawPointer(destination + y * stride).assumingMemoryBound(to: UInt32.self)
                    for x in 0..<w {
                        let i = (y * w + x) * 4
                        // Adobe writes inverted CMYK; the common conversion is then a product.
                        let k = UInt32(cmyk[i + 3])
                        let r = UInt32(cmyk[i]) * k / 255, g = UInt32(cmyk[i + 1]) * k / 255, b = UInt32(cmyk[i + 2]) * k / 255
                        row[x] = 0xFF00_0000 | r << 16 | g << 8 | b
                    }
                }
            }
        } else {
            status = tjDecompress2(handle, base, UInt(source.count), destination, Int32(w), Int32(stride), Int32(h), Int32(TJPF_BGRX.rawValue), flags)
        }
        cairo_surface_mark_dirty(surface.surface)
        if status != 0 {
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            if !isWarning {
                let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
                throw .undecodable("the JPEG could not be decoded: \(message)")
            }
            return Decoded(picture: surface, hadWarnings: true)
        }
        return Decoded(picture: surface, hadWarnings: false)
    }
}

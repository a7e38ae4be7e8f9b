/// A Letter of Authorization failure with a stable `code`, so callers (the HTTP layer, the CLI,
/// logs) can match on the kind of failure without parsing the human-readable message. A struct,
/// not an enum, so new codes can be added without breaking anyone's `switch`.
public struct LOAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Machine-matchable reason, snake_case, never changed once shipped (see `LOAError.Code`).
    public let code: String
    /// What went wrong, for a person reading a log.
    public let message: String
    /// Where the error was raised, for whoever debugs it.
    public let location: String

    /// Creates an error; `code` should be one of the constants in `LOAError.Code`.
    public init(code: String, message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.location = "\(file):\(line)"
    }

    /// Shows code and message together so a bare `print(error)` is useful.
    public var description: String { "\(code): \(message)" }

    /// Errors compare by code and message; where they were raised does not matter to callers.
    public static func == (lhs: LOAError, rhs: LOAError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// The stable codes.
    public enum Code {
        /// A template file is missing, unreadable or not valid JSON of the expected shape.
        public static let templateInvalid = "template_invalid"
        /// A template names a `{{placeholder}}` that the model does not provide.
        public static let templatePlaceholderUnknown = "template_placeholder_unknown"
        /// The letter itself is unusable (an empty required field, expiry before issue...).
        public static let letterInvalid = "letter_invalid"
        /// The signature image is not a PNG cairo can decode, or is too large.
        public static let signatureImageInvalid = "signature_image_invalid"
        /// The verification URL does not fit in a QR code.
        public static let qrCodeFailed = "qr_code_failed"
        /// cairo or pango reported an error while drawing.
        public static let renderingFailed = "rendering_failed"
        /// A PEM file could not be read.
        public static let pemUnreadable = "pem_unreadable"
        /// A PEM file holds no usable private key (or an unsupported kind: P-256, P-384, RSA only).
        public static let privateKeyInvalid = "private_key_invalid"
        /// A PEM file holds no usable X.509 certificate.
        public static let certificateInvalid = "certificate_invalid"
        /// The private key does not belong to the certificate.
        public static let keyCertificateMismatch = "key_certificate_mismatch"
        /// The development identity could not be generated or written.
        public static let identityGenerationFailed = "identity_generation_failed"
        /// The PDF's structure (trailer, cross-reference table) is not what the signer can update.
        public static let pdfStructureUnsupported = "pdf_structure_unsupported"
        /// The CMS signature could not be produced, or does not fit the reserved space.
        public static let signingFailed = "signing_failed"
        /// A letter's JWS does not verify against the keys given, or the letter has expired.
        public static let jwsInvalid = "jws_invalid"
        /// The file is not a signed PDF the verifier can check (no signature dictionary, bad
        /// /ByteRange or /Contents).
        public static let signatureNotFound = "signature_not_found"
        /// A time-stamping authority's answer was refused: not granted, malformed, or a token
        /// over other bytes or for another request.
        public static let timestampRefused = "timestamp_refused"
    }
}

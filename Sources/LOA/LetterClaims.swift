public import Foundation
public import JWTKit
import X509

/// What a letter says, as a JWS (RFC 7515, compact) signed with the letter's own key: a
/// datacenter's system checks a letter from these claims and the published JWKS
/// (`/loa/certificates.jwks`, where the header's `kid` names the key) without parsing the PDF.
///
/// Only fields printed on the letter, the same in every rendition (no language, no paper
/// size); `exp` is the end of the last valid day (UTC), so a JWT library refuses an expired
/// letter by itself. Whether it was revoked or superseded since is `/verify`'s to say.
@dynamicMemberLookup
public struct LetterClaims: JWTPayload, Equatable {
    /// Who signed: the service's public address.
    public var iss: IssuerClaim
    /// The LOA id.
    public var sub: SubjectClaim
    /// When it was issued.
    public var iat: IssuedAtClaim
    /// The end of its last valid day.
    public var exp: ExpirationClaim
    /// Everything printed on the letter, as claims of the same names (`issue_date`, …).
    public var printed: PrintedFields
    /// Where a person checks it.
    public var verifyURL: String

    enum CodingKeys: String, CodingKey {
        case iss, sub, iat, exp, verifyURL = "verify_url"
    }

    /// The claims of `letter`, issued at `issuedAt` by the service at `publicURL`.
    public init(_ letter: LetterOfAuthorization, issuedAt: Date, publicURL: String) {
        iss = IssuerClaim(value: publicURL)
        sub = SubjectClaim(value: letter.id)
        iat = IssuedAtClaim(value: Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down)))
        var end = DateComponents()
        (end.year, end.month, end.day, end.hour, end.minute, end.second) = (letter.expiryDate.year, letter.expiryDate.month, letter.expiryDate.day, 23, 59, 59)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        exp = ExpirationClaim(value: utc.date(from: end) ?? issuedAt)
        printed = PrintedFields(letter)
        verifyURL = letter.verificationURL
    }

    /// The printed fields are claims of their own, beside the registered ones (one flat object).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(IssuerClaim.self, forKey: .iss)
        sub = try container.decode(SubjectClaim.self, forKey: .sub)
        iat = try container.decode(IssuedAtClaim.self, forKey: .iat)
        exp = try container.decode(ExpirationClaim.self, forKey: .exp)
        verifyURL = try container.decode(String.self, forKey: .verifyURL)
        printed = try PrintedFields(from: decoder)
    }

    /// One flat object: the registered claims, `verify_url` and the printed fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        try container.encode(iat, forKey: .iat)
        try container.encode(exp, forKey: .exp)
        try container.encode(verifyURL, forKey: .verifyURL)
        try printed.encode(to: encoder)
    }

    /// A printed field by name (`claims.serviceID`).
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<PrintedFields, Value>) -> Value {
        get { printed[keyPath: keyPath] }
        set { printed[keyPath: keyPath] = newValue }
    }

    /// A letter past its last day is refused.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

extension SigningIdentity {
    /// `claims` as a compact JWS signed with this identity's key (ES256, ES384, ES512 or
    /// RS256 by the key's kind), its header naming the key as the JWKS does (`kid`, the
    /// certificate's SHA-256 fingerprint) and the certificate (`x5t#S256`).
    public func jws(_ claims: LetterClaims) async throws(LOAError) -> String {
        do {
            let published = try self.published
            let pem = try privateKey.serializeAsPEM().pemString
            let keys = JWTKeyCollection()
            switch keyAlgorithm {
            case "P-256": await keys.add(ecdsa: try ES256PrivateKey(pem: pem))
            case "P-384": await keys.add(ecdsa: try ES384PrivateKey(pem: pem))
            case "P-521": await keys.add(ecdsa: try ES512PrivateKey(pem: pem))
            default: await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: pem), digestAlgorithm: .sha256)
            }
            var header = JWTHeader()
            header.kid = published.fingerprint
            header.x5tS256 = published.thumbprint
            return try await keys.sign(claims, header: header)
        } catch let error as LOAError {
            throw error
        } catch {
            throw LOAError(code: LOAError.Code.signingFailed, message: "the letter's JWS could not be signed: \(error)")
        }
    }

    /// The claims of `token` once its signature checks against one of the keys in `jwks` (a
    /// JWKS document, as `/loa/certificates.jwks` publishes) and the letter has not expired;
    /// what a datacenter's system does. Throws `jws_invalid` otherwise.
    public static func verifiedClaims(_ token: String, jwks: String) async throws(LOAError) -> LetterClaims {
        do {
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            return try await keys.verify(token, as: LetterClaims.self)
        } catch {
            throw LOAError(code: LOAError.Code.jwsInvalid, message: "the letter's JWS does not verify: \(error)")
        }
    }
}

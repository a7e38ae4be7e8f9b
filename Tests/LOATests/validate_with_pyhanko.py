"""Validates the last signature of a PDF with pyHanko, trusting one PEM certificate.

Usage: python3 validate_with_pyhanko.py FILE.pdf TRUSTED.pem [TSA-ROOT.pem]
Prints one line per fact (intact=, valid=, trusted=, coverage=, modification=, subfilter=,
signed_attributes=, and with a timestamp timestamp=, timestamp_intact=, timestamp_valid=,
timestamp_trusted=) and exits 0 when the signature is intact, valid and covers the entire
file (and its timestamp, when a TSA root is given, is intact, valid and trusted); 1 otherwise;
2 on an error.
"""
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def main(path, trusted_pem, tsa_pem=None):
    root = load_cert_from_pemder(trusted_pem)
    context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    ts_context = None
    if tsa_pem:
        ts_context = ValidationContext(trust_roots=[load_cert_from_pemder(tsa_pem)], allow_fetching=False, revocation_mode="soft-fail")
    with open(path, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            print("signatures=0")
            return 1
        signature = signatures[-1]
        status = validate_pdf_signature(signature, context, ts_validation_context=ts_context)
        print(f"subfilter={signature.sig_object.get('/SubFilter')}")
        print("signed_attributes=" + ",".join(sorted(attr["type"].native for attr in signature.signer_info["signed_attrs"])))
        print(f"intact={status.intact}")
        print(f"valid={status.valid}")
        print(f"trusted={status.trusted}")
        print(f"coverage={status.coverage.name}")
        print(f"modification={status.modification_level.name if status.modification_level else None}")
        print(f"signer={status.signing_cert.subject.human_friendly}")
        ok = status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"
        stamp = status.timestamp_validity
        if stamp is not None:
            print(f"timestamp={stamp.timestamp.isoformat()}")
            print(f"timestamp_intact={stamp.intact}")
            print(f"timestamp_valid={stamp.valid}")
            print(f"timestamp_trusted={stamp.trusted}")
            if tsa_pem:
                ok = ok and stamp.intact and stamp.valid and stamp.trusted
        elif tsa_pem:
            print("timestamp=None")
            ok = False
        return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
    except Exception as error:  # the test prints whatever went wrong
        print(f"error={type(error).__name__}: {error}")
        sys.exit(2)

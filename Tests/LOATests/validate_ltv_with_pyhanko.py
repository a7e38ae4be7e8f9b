"""Validates the last signature of a PDF as a long-term (PAdES B-LT) signature with pyHanko's
AdES validator (ETSI EN 319 102-1, what `pyhanko sign adesverify` runs): revocation data is
required for every certificate that is not a trust anchor, and only what the file carries is
used (nothing is fetched), so it passes only when the letter's /DSS holds it.

Usage: python3 validate_ltv_with_pyhanko.py FILE.pdf SIGNER.pem TSA-ROOT.pem
Prints ades_status=, ades_subindication=, failure=, best_signature_time=,
timestamp_status= (the signature timestamp's AdES status), dss_certs=, dss_crls= and modification=, and exits 0 when the status is
PASSED; 1 otherwise; 2 on an error.
"""
import asyncio
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.validation.ades import AdESStatus, ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, FreshnessReqType, REQUIRE_REVINFO
from pyhanko_certvalidator.registry import SimpleTrustManager


def main(path, signer_pem, tsa_pem):
    trust = SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(signer_pem), load_cert_from_pemder(tsa_pem)])
    policy = CertValidationPolicySpec(
        trust_manager=trust,
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO, freshness=None, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        ),
        diff_policy=DEFAULT_DIFF_POLICY,
    )
    with open(path, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            dss = None
        print(f"dss_certs={len(dss.certs) if dss else 0}")
        print(f"dss_crls={len(dss.crls) if dss else 0}")
        signatures = reader.embedded_regular_signatures
        if not signatures:
            print("signatures=0")
            return 1
        result = asyncio.run(ades_lta_validation(signatures[-1], spec, timing_info=ValidationTimingInfo.now()))
        print(f"ades_status={result.ades_subindic.status.name}")
        print(f"ades_subindication={result.ades_subindic.name}")
        print(f"failure={result.failure_msg}")
        print(f"best_signature_time={result.best_signature_time.isoformat() if result.best_signature_time else None}")
        stamp = result.signature_timestamp_status
        print(f"timestamp_status={stamp.ades_subindic.status.name if stamp is not None else None}")
        status = result.api_status
        if status is not None:
            print(f"modification={status.modification_level.name if status.modification_level else None}")
            print(f"coverage={status.coverage.name}")
        return 0 if result.ades_subindic.status == AdESStatus.PASSED else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
    except Exception as error:  # the test prints whatever went wrong
        print(f"error={type(error).__name__}: {error}")
        sys.exit(2)

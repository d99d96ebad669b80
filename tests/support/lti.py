"""An LTI registration (issuer, client id, deployment) that turns LTI on in the settings."""

LTI_ENV = {
    "LTI_ISSUER": "https://canvas.instructure.com",
    "LTI_CLIENT_ID": "10000000000077",
    "LTI_DEPLOYMENT_IDS": "1:abc",
}

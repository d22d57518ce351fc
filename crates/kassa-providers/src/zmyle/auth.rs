//! zmyle's credentials: HTTP Basic, the API key as user and the API secret as password
//! (docs/providers.md §2.1), both kept in the SecretStore.

use kassa_core::secrets::Secret;
use reqwest::RequestBuilder;

/// The names of the zmyle credentials in the SecretStore (HTTP Basic user and password).
pub const API_KEY_SECRET: &str = "zmyle.api_key";
pub const API_SECRET_SECRET: &str = "zmyle.api_secret";

/// The API key and secret that every request carries.
pub struct Credentials {
    api_key: Secret,
    api_secret: Secret,
}

impl Credentials {
    pub fn new(api_key: Secret, api_secret: Secret) -> Self {
        Credentials {
            api_key,
            api_secret,
        }
    }

    /// `request` with the credentials as HTTP Basic authorization.
    pub fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        request.basic_auth(self.api_key.expose(), Some(self.api_secret.expose()))
    }
}

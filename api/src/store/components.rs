//! Installed WebAssembly components and their manifests.

use super::Store;
use super::clock::now_ms;
use super::columns::flag_column;
use super::error::{StoreError, StoreResult};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use tracing::info;

/// Columns of a [`ComponentMeta`]. A [`StoredComponent`] adds `wasm`.
const COMPONENT_META_COLUMNS: &str =
    "name, version, kind, manifest, wasm_sha256, enabled, created_at";

/// A component version to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComponent {
    pub name: String,
    pub version: String,
    /// Such as `playbook` or `connector`, from the manifest.
    pub kind: String,
    /// The `moat.toml` text.
    pub manifest: String,
    pub wasm: Vec<u8>,
    pub enabled: bool,
}

/// A component version without its WebAssembly bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentMeta {
    pub name: String,
    pub version: String,
    pub kind: String,
    pub manifest: String,
    /// SHA-256 of the WebAssembly bytes, lowercase hex.
    pub wasm_sha256: String,
    pub enabled: bool,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// A component version with its WebAssembly bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComponent {
    pub meta: ComponentMeta,
    pub wasm: Vec<u8>,
}

impl Store {
    /// Installs a component version and returns its stored metadata.
    ///
    /// Versions are immutable. Installing the same name, version and bytes
    /// again changes nothing, and other bytes under an installed version
    /// fail with [`StoreError::Conflict`]. Only the SHA-256 of the bytes is
    /// compared, so a changed manifest with the same bytes is ignored.
    pub async fn put_component(&self, component: NewComponent) -> StoreResult<ComponentMeta> {
        if component.name.is_empty() || component.version.is_empty() {
            return Err(StoreError::Invalid(
                "component name and version must not be empty".to_owned(),
            ));
        }
        let sha256 = hex::encode(Sha256::digest(&component.wasm));

        let sql = format!(
            "INSERT INTO components ({COMPONENT_META_COLUMNS}, wasm) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name, version) DO NOTHING"
        );
        let inserted = sqlx::query(&sql)
            .bind(&component.name)
            .bind(&component.version)
            .bind(&component.kind)
            .bind(&component.manifest)
            .bind(&sha256)
            .bind(component.enabled)
            .bind(now_ms())
            .bind(&component.wasm)
            .execute(&self.pool)
            .await?
            .rows_affected();

        let existing = self
            .component_version_meta(&component.name, &component.version)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!(
                    "component `{}` version `{}` not found",
                    component.name, component.version
                ))
            })?;
        if inserted == 0 && existing.wasm_sha256 != sha256 {
            return Err(StoreError::Conflict(format!(
                "component `{}` version `{}` is already installed with different content",
                component.name, component.version
            )));
        }
        if inserted > 0 {
            info!(component = %component.name, version = %component.version, %sha256, "component installed");
        }
        Ok(existing)
    }

    /// Returns the most recently installed enabled version of `name`.
    pub async fn get_component(&self, name: &str) -> StoreResult<Option<StoredComponent>> {
        let sql = format!(
            "SELECT {COMPONENT_META_COLUMNS}, wasm FROM components \
             WHERE name = $1 AND enabled = $2 ORDER BY created_at DESC, version DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .bind(true)
            .fetch_optional(&self.pool)
            .await?;

        row.map(|row| {
            Ok(StoredComponent {
                meta: component_meta_from_row(&row)?,
                wasm: row.try_get("wasm")?,
            })
        })
        .transpose()
    }

    /// Returns every installed component version, sorted by name and then
    /// newest first.
    pub async fn list_components(&self) -> StoreResult<Vec<ComponentMeta>> {
        let sql = format!(
            "SELECT {COMPONENT_META_COLUMNS} FROM components \
             ORDER BY name, created_at DESC, version DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(component_meta_from_row).collect()
    }

    /// Enables or disables one component version.
    pub async fn set_component_enabled(
        &self,
        name: &str,
        version: &str,
        enabled: bool,
    ) -> StoreResult<()> {
        let updated =
            sqlx::query("UPDATE components SET enabled = $1 WHERE name = $2 AND version = $3")
                .bind(enabled)
                .bind(name)
                .bind(version)
                .execute(&self.pool)
                .await?
                .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound(format!(
                "component `{name}` version `{version}` not found"
            )));
        }
        Ok(())
    }

    async fn component_version_meta(
        &self,
        name: &str,
        version: &str,
    ) -> StoreResult<Option<ComponentMeta>> {
        let sql = format!(
            "SELECT {COMPONENT_META_COLUMNS} FROM components WHERE name = $1 AND version = $2"
        );
        let row = sqlx::query(&sql)
            .bind(name)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(component_meta_from_row).transpose()
    }
}

fn component_meta_from_row(row: &AnyRow) -> StoreResult<ComponentMeta> {
    Ok(ComponentMeta {
        name: row.try_get("name")?,
        version: row.try_get("version")?,
        kind: row.try_get("kind")?,
        manifest: row.try_get("manifest")?,
        wasm_sha256: row.try_get("wasm_sha256")?,
        enabled: flag_column(row, "enabled")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

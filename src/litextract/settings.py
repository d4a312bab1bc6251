"""Settings: defaults < `litextract.toml` < `LITEXTRACT_*` environment variables < CLI flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from litextract.protocol import DEFAULT_EXCLUSION_REASONS, CustomField, Protocol


class Settings(BaseSettings):
    """Every knob of litextract in one object; the CLI and the dashboard build one and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="LITEXTRACT_", toml_file="litextract.toml", extra="ignore", validate_default=True
    )

    db: Path = Field(default=Path("litextract.duckdb"), description="DuckDB database file")
    reviewer: str = Field(default="reviewer", description="name stored with review edits")
    cache_dir: Path = Field(default=Path(".litextract-cache"), description="TEI and LLM response caches")
    max_pages: int = Field(default=500, description="longer PDFs are refused with a recorded reason")
    max_file_mb: float = Field(
        default=200, gt=0, description="larger files are refused with a recorded reason before they are read"
    )
    dashboard_password: SecretStr | None = Field(
        default=None,
        description="asked by the dashboard; needed to serve it on a non-loopback address (never stored or logged)",
    )
    workers: int | None = Field(
        default=None, ge=1, description="processes that parse and extract; default one per CPU (1 with GROBID/LLM)"
    )

    # The review protocol (litextract.protocol; README "The review workflow")
    exclusion_reasons: list[str] = Field(
        default=DEFAULT_EXCLUSION_REASONS, min_length=1, description="why a paper may be excluded in screening"
    )
    reviewers_required: int = Field(
        default=1, ge=1, le=2, description="reviewers whose agreeing decisions settle a paper or value (1 or 2)"
    )
    blind: bool = Field(
        default=False, description="two reviewers, each blind to the other's decisions until both decided"
    )
    fields: list[CustomField] = Field(default_factory=list, description="the review's own extraction fields")

    @field_validator("fields")
    @classmethod
    def _distinct(cls, fields: list[CustomField]) -> list[CustomField]:
        names = [f.name for f in fields]
        if len(set(names)) < len(names):
            raise ValueError(
                f"two fields have one name: {', '.join(sorted(n for n in set(names) if names.count(n) > 1))}"
            )
        return fields

    # GROBID (optional second parser)
    grobid_url: str | None = Field(default=None, description="e.g. http://localhost:8070")
    grobid_timeout: float = 120.0
    grobid_concurrency: int = 4
    grobid_consolidate: bool = False
    grobid_retries: int = 3

    # LLM (optional extractor); the API key is read from the environment and never stored
    llm_model: str | None = Field(default=None, description="e.g. gpt-4o-mini, or ollama model name")
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint; None = OpenAI")
    llm_api_key: SecretStr | None = Field(default=None, description="or OPENAI_API_KEY")
    llm_mode: str | None = Field(default=None, description="instructor mode: tools | json | json_schema | md_json")
    llm_timeout: float = 120.0
    llm_max_retries: int = 2
    llm_concurrency: int = 4
    llm_token_budget: int = 60_000
    llm_context_tokens: int = 8_000
    llm_max_output_tokens: int = Field(default=2_048, description="max_tokens of one LLM reply")
    llm_retry_wait: float = Field(default=1.0, description="first back-off in seconds (doubles; Retry-After wins)")
    llm_prices: dict[str, tuple[float, float]] = Field(
        default={"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (2.50, 10.00), "gpt-4.1-mini": (0.40, 1.60)},
        description="model -> (input, output) USD per 1M tokens, for `litextract costs`",
    )

    def protocol(self) -> Protocol:
        """How this review decides: exclusion reasons, reviewers, extraction fields."""
        return Protocol(tuple(self.exclusion_reasons), self.reviewers_required, self.blind, tuple(self.fields))

    def recorded(self) -> dict[str, object]:
        """The settings as a run records them (`runs.settings`): the secrets left out."""
        return self.model_dump(mode="json", exclude={"llm_api_key", "dashboard_password"})

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**overrides: object) -> Settings:
    """Settings from file and environment, with the non-None overrides (CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]

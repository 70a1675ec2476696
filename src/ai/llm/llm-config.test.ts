import { describe, expect, it } from "vitest";
import { ConfigError, validateConfig } from "../../config/load-config.js";
import { LlmConfigError, resolveLlmRoles } from "./llm-config.js";

describe("the llm config", () => {
  it("has every role off by default, with or without the environment's host and timeout", () => {
    const config = validateConfig({});
    expect(config.llm).toEqual({});
    expect(resolveLlmRoles(config.llm, { OLLAMA_HOST: "http://gpu:11434", AI_TIMEOUT: "60" }).size).toBe(0);
  });

  it("turns the advisor on with AI_MODEL at OLLAMA_HOST's /v1, AI_TIMEOUT seconds, and a 10 % weight", () => {
    const roles = resolveLlmRoles(validateConfig({}).llm, {
      OLLAMA_HOST: "http://gpu:11434/",
      AI_MODEL: "qwen2.5:7b",
      AI_TIMEOUT: "12",
    });
    expect(roles.get("advisor")).toMatchObject({
      provider: "openai",
      endpoint: "http://gpu:11434/v1",
      model: "qwen2.5:7b",
      timeoutMs: 12_000,
      deadlineMs: 13_000,
      weight: 0.1,
      maxRetries: 2,
    });
  });

  it("reads each role from the file: native Ollama at the host, key from the named variable, cutoff as a date", () => {
    const config = validateConfig({
      llm: {
        auditor: { provider: "ollama-native", model: "llama3.1:8b", keepAlive: "30m", trainingCutoff: "2023-12-31" },
        architect: {
          endpoint: "https://api.deepseek.com/v1",
          model: "deepseek-chat",
          apiKeyEnv: "DEEPSEEK_API_KEY",
          timeoutSeconds: 90,
        },
      },
    });
    const roles = resolveLlmRoles(config.llm, { DEEPSEEK_API_KEY: "sk-test" });
    expect(roles.get("auditor")).toMatchObject({
      endpoint: "http://localhost:11434",
      keepAlive: "30m",
      timeoutMs: 30_000,
      trainingCutoff: Date.UTC(2023, 11, 31),
    });
    expect(roles.get("architect")).toMatchObject({ apiKey: "sk-test", timeoutMs: 90_000 });
    expect(roles.has("advisor")).toBe(false);
  });

  it("AI_TRADING_ENABLED=false turns the advisor off whatever the config says", () => {
    const config = validateConfig({ llm: { advisor: { model: "m" } } });
    expect(resolveLlmRoles(config.llm, { AI_TRADING_ENABLED: "false", AI_MODEL: "x" }).has("advisor")).toBe(false);
    expect(resolveLlmRoles(config.llm, { AI_TRADING_ENABLED: "true" }).get("advisor")?.model).toBe("m");
  });

  it("names what is wrong: unknown key, bad cutoff, bad environment values, a missing key variable", () => {
    expect(() => validateConfig({ llm: { advisor: { modle: "x" } } })).toThrow(ConfigError);
    expect(() => validateConfig({ llm: { advisor: { modle: "x" } } })).toThrow(/llm\.advisor.*modle/s);
    expect(() => validateConfig({ llm: { auditor: { model: "m", trainingCutoff: "last year" } } })).toThrow(
      /trainingCutoff must be a date YYYY-MM-DD/,
    );
    const none = validateConfig({}).llm;
    expect(() => resolveLlmRoles(none, { AI_TIMEOUT: "soon" })).toThrow(
      new LlmConfigError('AI_TIMEOUT is seconds from 1 to 600, got "soon"'),
    );
    expect(() => resolveLlmRoles(none, { AI_TRADING_ENABLED: "maybe" })).toThrow(/AI_TRADING_ENABLED is true or false/);
    expect(() => resolveLlmRoles(none, { OLLAMA_HOST: "gpu:11434" })).toThrow(/OLLAMA_HOST must be an http\(s\) URL/);
    const keyed = validateConfig({ llm: { advisor: { model: "gpt-4o-mini", apiKeyEnv: "OPENAI_API_KEY" } } }).llm;
    expect(() => resolveLlmRoles(keyed, {})).toThrow("llm.advisor.apiKeyEnv names OPENAI_API_KEY, which is not set");
    const kept = validateConfig({ llm: { advisor: { model: "m", keepAlive: "5m" } } }).llm;
    expect(() => resolveLlmRoles(kept, {})).toThrow(/keepAlive needs provider: ollama-native/);
  });
});

import nodemailer from "nodemailer";
import { SendError, type Transport } from "./send-error.js";

export interface EmailOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
  /** Only for a local test server with a self-signed certificate. */
  readonly allowSelfSigned?: boolean;
}

/**
 * Alerts by e-mail over SMTP (nodemailer). An SMTP 4xx answer or a lost connection is transient; a 5xx answer
 * (authentication refused, recipient unknown) is not. Error texts carry the SMTP code and the server's answer,
 * never the credentials.
 */
export function emailTransport(options: EmailOptions): Transport {
  const transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    ...(options.user !== undefined ? { auth: { user: options.user, pass: options.password ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(options.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
    logger: false,
    debug: false,
  });
  return {
    name: "email",
    // Mail has no practical limit; a bounded body keeps a digest readable.
    maxChars: 20_000,
    async send(message) {
      try {
        await transporter.sendMail({
          from: options.from,
          to: options.to.join(", "),
          subject: message.subject.slice(0, 200),
          text: message.text,
        });
      } catch (error) {
        const err = error as { responseCode?: number; code?: string; response?: string };
        const code = err.responseCode;
        const answer = err.response ? ` ${err.response.replace(/\s+/g, " ").slice(0, 160)}` : "";
        const text = `email: ${code !== undefined ? `SMTP ${code}` : (err.code ?? "SMTP error")}${answer}`;
        throw new SendError(text, { transient: code === undefined || (code >= 400 && code < 500) });
      }
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * The data management service's queues, in memory: Put Message (how azure-kusto-ingest posts an ingestion),
 * and Get / Peek / Delete / Clear Messages (how its status queues are read), with Azure Queue Storage's
 * visibility timeouts and pop receipts.
 */
import { randomUUID } from 'node:crypto';
import {
  notImplemented,
  StorageError,
  type StorageRequest,
  type StorageResponse,
  xmlElements,
  xmlEscape,
  xmlText,
} from './storageProtocol';

/** A message in a queue. */
export interface QueueMessage {
  /** Message id. */
  id: string;
  /** The text as sent (azure-kusto-ingest sends base64 JSON). */
  text: string;
  /** When it was put. */
  insertedOn: Date;
  /** When it expires. */
  expiresOn: Date;
  /** When it becomes visible again (ms since epoch). */
  visibleAt: number;
  /** Times it was received. */
  dequeueCount: number;
  /** The receipt of its last receive (or put). */
  popReceipt: string;
}

// Azure Queue Storage limits.
const MAX_MESSAGE_BYTES = 64 * 1024;
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
const MAX_VISIBILITY_SECONDS = 7 * 24 * 3600;
const MAX_MESSAGES_PER_READ = 32;
/** Messages a queue holds at most: the emulator keeps them in memory. */
const MAX_QUEUE_LENGTH = 100_000;

function intParameter(query: Map<string, string>, name: string, min: number, max: number, fallback: number): number {
  const text = query.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StorageError(
      400,
      'OutOfRangeQueryParameterValue',
      `The query parameter '${name}' is ${JSON.stringify(text)}; it must be an integer from ${min} to ${max}.`,
    );
  }
  return value;
}

function messagesXml(messages: QueueMessage[], fields: (m: QueueMessage) => [string, string][]): string {
  const items = messages.map(
    (m) =>
      `<QueueMessage>${fields(m)
        .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
        .join('')}</QueueMessage>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?><QueueMessagesList>${items.join('')}</QueueMessagesList>`;
}

const XML_HEADERS = { 'Content-Type': 'application/xml' };

/** Queues by name. */
export class QueueStore {
  private readonly queues = new Map<string, QueueMessage[]>();

  constructor(queueNames: readonly string[]) {
    for (const name of queueNames) this.queues.set(name, []);
  }

  /** Whether `queue` is one of its queues. */
  has(queue: string): boolean {
    return this.queues.has(queue);
  }

  /** Puts a message (as Put Message does) and returns it. */
  put(queue: string, text: string, ttlSeconds = DEFAULT_TTL_SECONDS, visibilitySeconds = 0): QueueMessage {
    const messages = this.require(queue);
    this.expire(messages);
    if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
      throw new StorageError(413, 'RequestBodyTooLarge', `A queue message can be at most ${MAX_MESSAGE_BYTES} bytes.`);
    }
    if (messages.length >= MAX_QUEUE_LENGTH) {
      throw new StorageError(
        503,
        'ServerBusy',
        `Queue '${queue}' holds ${MAX_QUEUE_LENGTH} messages, the emulator's limit.`,
      );
    }
    const now = Date.now();
    const message: QueueMessage = {
      id: randomUUID(),
      text,
      insertedOn: new Date(now),
      expiresOn: new Date(ttlSeconds === -1 ? 253402300799000 : now + ttlSeconds * 1000),
      visibleAt: now + visibilitySeconds * 1000,
      dequeueCount: 0,
      popReceipt: randomUUID(),
    };
    messages.push(message);
    return message;
  }

  /**
   * Receives up to `count` visible messages, hiding them for `visibilitySeconds` (as Get Messages does);
   * each gets a new pop receipt.
   */
  receive(queue: string, count: number, visibilitySeconds: number): QueueMessage[] {
    const messages = this.require(queue);
    this.expire(messages);
    const now = Date.now();
    const taken = messages.filter((m) => m.visibleAt <= now).slice(0, count);
    for (const message of taken) {
      message.visibleAt = now + visibilitySeconds * 1000;
      message.dequeueCount++;
      message.popReceipt = randomUUID();
    }
    return taken;
  }

  /** Deletes a received message; fails unless the pop receipt is its latest. */
  delete(queue: string, id: string, popReceipt: string): void {
    const messages = this.require(queue);
    const index = messages.findIndex((m) => m.id === id);
    if (index < 0) throw new StorageError(404, 'MessageNotFound', 'The specified message does not exist.');
    if (messages[index].popReceipt !== popReceipt) {
      throw new StorageError(
        400,
        'PopReceiptMismatch',
        'The specified pop receipt did not match the pop receipt for a dequeued message.',
      );
    }
    messages.splice(index, 1);
  }

  /** Serves one request on `queue`; `rest` is the path after the queue name (`messages`, `messages/<id>`). */
  serve(queue: string, rest: string, request: StorageRequest): StorageResponse {
    this.require(queue);
    const { method, query } = request;
    if (rest === 'messages' && method === 'POST') {
      const text = this.messageText(request.body);
      const ttl = intParameter(query, 'messagettl', -1, Number.MAX_SAFE_INTEGER, DEFAULT_TTL_SECONDS);
      if (ttl === 0)
        throw new StorageError(400, 'OutOfRangeQueryParameterValue', "The query parameter 'messagettl' cannot be 0.");
      const visibility = intParameter(query, 'visibilitytimeout', 0, MAX_VISIBILITY_SECONDS, 0);
      const message = this.put(queue, text, ttl, visibility);
      const body = messagesXml([message], (m) => [
        ['MessageId', m.id],
        ['InsertionTime', m.insertedOn.toUTCString()],
        ['ExpirationTime', m.expiresOn.toUTCString()],
        ['PopReceipt', m.popReceipt],
        ['TimeNextVisible', new Date(m.visibleAt).toUTCString()],
      ]);
      return { status: 201, headers: XML_HEADERS, body };
    }
    if (rest === 'messages' && method === 'GET') {
      const count = intParameter(query, 'numofmessages', 1, MAX_MESSAGES_PER_READ, 1);
      if (query.get('peekonly')?.toLowerCase() === 'true') {
        const messages = this.require(queue);
        this.expire(messages);
        const now = Date.now();
        const peeked = messages.filter((m) => m.visibleAt <= now).slice(0, count);
        const body = messagesXml(peeked, (m) => [
          ['MessageId', m.id],
          ['InsertionTime', m.insertedOn.toUTCString()],
          ['ExpirationTime', m.expiresOn.toUTCString()],
          ['DequeueCount', String(m.dequeueCount)],
          ['MessageText', m.text],
        ]);
        return { status: 200, headers: XML_HEADERS, body };
      }
      const visibility = intParameter(query, 'visibilitytimeout', 1, MAX_VISIBILITY_SECONDS, 30);
      const body = messagesXml(this.receive(queue, count, visibility), (m) => [
        ['MessageId', m.id],
        ['InsertionTime', m.insertedOn.toUTCString()],
        ['ExpirationTime', m.expiresOn.toUTCString()],
        ['PopReceipt', m.popReceipt],
        ['TimeNextVisible', new Date(m.visibleAt).toUTCString()],
        ['DequeueCount', String(m.dequeueCount)],
        ['MessageText', m.text],
      ]);
      return { status: 200, headers: XML_HEADERS, body };
    }
    if (rest === 'messages' && method === 'DELETE') {
      this.require(queue).length = 0;
      return { status: 204 };
    }
    const id = /^messages\/([^/]+)$/.exec(rest)?.[1];
    if (id !== undefined && method === 'DELETE') {
      const popReceipt = query.get('popreceipt');
      if (!popReceipt) {
        throw new StorageError(400, 'MissingRequiredQueryParameter', 'Delete Message needs the popreceipt parameter.');
      }
      this.delete(queue, id, popReceipt);
      return { status: 204 };
    }
    throw notImplemented(
      'queue',
      `${method} /${rest || '(queue)'}${query.has('comp') ? ` with comp=${query.get('comp')}` : ''}`,
    );
  }

  private require(queue: string): QueueMessage[] {
    const messages = this.queues.get(queue);
    if (!messages) throw new StorageError(404, 'QueueNotFound', `The specified queue '${queue}' does not exist.`);
    return messages;
  }

  private expire(messages: QueueMessage[]): void {
    const now = Date.now();
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i].expiresOn.getTime() <= now) messages.splice(i, 1);
  }

  private messageText(body: Buffer): string {
    const text = xmlElements(body.toString('utf8'), 'MessageText');
    if (text.length !== 1) {
      throw new StorageError(
        400,
        'InvalidXmlDocument',
        'Put Message needs a body <QueueMessage><MessageText>…</MessageText></QueueMessage>.',
      );
    }
    return xmlText(text[0]);
  }
}

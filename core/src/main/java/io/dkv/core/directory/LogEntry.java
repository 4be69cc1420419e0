package io.dkv.core.directory;

/**
 * One entry of the directory's replicated log: a {@link DirectoryCommand}, which
 * {@link DirectoryState#apply} turns into the next state, or a {@link Heartbeat}, which goes
 * through the log only so that the leader that commits it knows the node was alive at that point
 * of the log, and never changes the state. {@link CommandCodec#decodeEntry} reads either.
 */
public sealed interface LogEntry permits DirectoryCommand, Heartbeat {}

/**
 * A linearizability checker for histories of dkv's strong-namespace operations (get, put,
 * putIfAbsent, delete, compareAndSet on single keys).
 *
 * <p>Record a history, check it, save both:
 *
 * <pre>{@code
 * HistoryRecorder recorder = HistoryRecorder.live();            // thread-safe, stamps System.nanoTime
 * HistoryRecorder.Call call = recorder.invoke(clientId, key, Command.put(value));
 * call.complete(new Outcome.Written(version));                  // or Outcome.FAILED, Outcome.UNKNOWN
 * ...
 * History history = recorder.history();                         // calls never completed count as unknown
 * CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(30));
 * HistoryJson.write(history, writer);                           // JSON Lines, one operation a line
 * CheckResultJson.write(result, writer);
 * }</pre>
 *
 * <p>A simulation with its own logical clock builds the history with {@link io.dkv.checker.History#builder()}.
 * Outcomes: an answer the client got ({@code Found}, {@code NotFound}, {@code Written},
 * {@code ConditionFailed}); {@code Failed} when the operation certainly had no effect (for example a
 * refusal before anything was written); {@code Unknown} when it may have taken effect (a timeout,
 * a lost connection). Marking a possibly applied write {@code Failed} makes the check unsound.
 */
package io.dkv.checker;

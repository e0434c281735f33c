/**
 * Replays recorded multi-step scenarios against a driver (in-process, or through a host) and
 * checks their expectations on responses and on orchestrator API calls, in the spirit of the AWS
 * SDK's JSON protocol test suites. See samples/README.md for the file format.
 */
package dev.hangar.replay;

package chat

// SetTestHookWaiting sets the function called when a notification delivery
// starts waiting for room (nil: none).
func SetTestHookWaiting(f func()) { testHookWaiting = f }

namespace FedFunctions.Core.Re2;

/// <summary>
/// LruCache is a small thread-safe map from string keys to values, bounded at <see cref="Capacity"/> entries: when
/// full, adding a key evicts the least recently used one. Eviction is one entry at a time, so a client that
/// cycles through many distinct keys cannot empty the cache for everyone else; keys in regular use stay.
/// </summary>
/// <typeparam name="TValue">The cached value type.</typeparam>
internal sealed class LruCache<TValue>
    where TValue : class
{
    // Every operation is O(1) under one lock; callers build values outside it (compiling a regex is the slow part).
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _map;
    private readonly LinkedList<(string Key, TValue Value)> _order = new(); // most recently used first

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public LruCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _map = new Dictionary<string, LinkedListNode<(string Key, TValue Value)>>(capacity, StringComparer.Ordinal);
    }

    /// <summary>Capacity is the most entries the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>Count is the number of entries now held (never above <see cref="Capacity"/>).</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _map.Count;
        }
    }

    /// <summary>TryGet looks <paramref name="key"/> up and, when found, marks it most recently used.</summary>
    public bool TryGet(string key, out TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                Touch(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }

    /// <summary>
    /// GetOrAdd returns the value held for <paramref name="key"/>, or adds <paramref name="value"/> (evicting the
    /// least recently used entry when full) and returns it. When another thread added the key first, its value wins.
    /// </summary>
    public TValue GetOrAdd(string key, TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                Touch(existing);
                return existing.Value.Value;
            }
            if (_map.Count >= Capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
            _map.Add(key, _order.AddFirst((key, value)));
            return value;
        }
    }

    private void Touch(LinkedListNode<(string Key, TValue Value)> node)
    {
        if (node.Previous is null) return;
        _order.Remove(node);
        _order.AddFirst(node);
    }
}

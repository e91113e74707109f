package graphwire

import (
	"encoding/json"
	"strconv"
)

// AppendCollection appends an OData collection page to dst:
// {"@odata.context":context,"@odata.count":count,"value":value,"@odata.nextLink":next},
// where value is the JSON array of the items, already encoded, and the
// context, the count (when count < 0) and the next link are left out when
// empty. It spares the items a second pass through encoding/json.
func AppendCollection(dst []byte, context string, count int, value []byte, next string) []byte {
	dst = append(dst, '{')
	if context != "" {
		dst = append(dst, `"@odata.context":`...)
		dst = appendJSONString(dst, context)
		dst = append(dst, ',')
	}
	if count >= 0 {
		dst = append(dst, `"@odata.count":`...)
		dst = strconv.AppendInt(dst, int64(count), 10)
		dst = append(dst, ',')
	}
	dst = append(dst, `"value":`...)
	dst = append(dst, value...)
	if next != "" {
		dst = append(dst, `,"@odata.nextLink":`...)
		dst = appendJSONString(dst, next)
	}
	return append(dst, '}')
}

func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}
